package io.chaski.storage;

/** A storage operation failed: a limit was exceeded, a stored value cannot be read, or the file cannot be used. */
public class ChaskiStorageException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what went wrong, naming the key or file
	 * @param cause the underlying failure, or {@code null}
	 */
	public ChaskiStorageException(String message, Throwable cause) {
		super(message, cause);
	}

	/** @param message what went wrong, naming the key or limit */
	public ChaskiStorageException(String message) {
		super(message);
	}

}
