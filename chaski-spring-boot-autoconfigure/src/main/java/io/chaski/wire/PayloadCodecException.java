package io.chaski.wire;

/**
 * A payload could not be encoded or decoded.
 */
public class PayloadCodecException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public PayloadCodecException(String message, Throwable cause) {
		super(message, cause);
	}

}
