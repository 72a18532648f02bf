package io.chaski.transport;

/**
 * A connection could not be opened or used.
 */
public class TransportException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public TransportException(String message, Throwable cause) {
		super(message, cause);
	}

}
