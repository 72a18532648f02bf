package io.chaski.transport;

/**
 * A connection could not be opened or used.
 */
public class TransportException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what failed, with the address
	 * @param cause the underlying failure
	 */
	public TransportException(String message, Throwable cause) {
		super(message, cause);
	}

}
