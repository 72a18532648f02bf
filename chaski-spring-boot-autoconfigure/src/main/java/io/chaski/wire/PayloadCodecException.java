package io.chaski.wire;

/**
 * A payload could not be encoded or decoded.
 */
public class PayloadCodecException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * @param message what could not be encoded or decoded, and why
	 * @param cause the codec's own failure, or {@code null}
	 */
	public PayloadCodecException(String message, Throwable cause) {
		super(message, cause);
	}

}
