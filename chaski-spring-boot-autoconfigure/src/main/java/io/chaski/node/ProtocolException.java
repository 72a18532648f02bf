package io.chaski.node;

/** A peer broke the protocol; its connection is closed. */
final class ProtocolException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	ProtocolException(String message) {
		super(message);
	}

}
