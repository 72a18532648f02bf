package io.chaski.wire;

import java.io.IOException;

/**
 * Bytes that are not a valid Chaski frame or envelope. The connection that sent them is closed.
 */
public class WireFormatException extends IOException {

	private static final long serialVersionUID = 1L;

	/** @param message what is wrong with the bytes */
	public WireFormatException(String message) {
		super(message);
	}

}
