package io.chaski.node;

/**
 * A message was refused because a peer's outbound queue is full (policy {@link OverflowPolicy#FAIL}, or
 * {@link OverflowPolicy#WAIT} past its send timeout). The publish had no effect: no peer and no local
 * subscriber received the message.
 */
public class ChaskiOverflowException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** @param message which message was refused, and by how many peers */
	public ChaskiOverflowException(String message) {
		super(message);
	}

}
