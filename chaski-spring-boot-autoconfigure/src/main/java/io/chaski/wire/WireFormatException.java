package io.chaski.wire;

import java.io.IOException;

/**
 * Bytes that are not a valid Chaski frame or envelope. The connection that sent them is closed. The message
 * says what is wrong with the bytes; there is no stack trace, which would describe only this codebase and cost
 * a stack walk per bad frame a peer chooses to send.
 */
public class WireFormatException extends IOException {

	private static final long serialVersionUID = 1L;

	/** @param message what is wrong with the bytes */
	public WireFormatException(String message) {
		super(message);
	}

	@Override
	public synchronized Throwable fillInStackTrace() {
		return this;
	}

}
