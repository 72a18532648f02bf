package io.chaski.files;

/**
 * A file-transfer payload from a peer that breaks docs/protocol.md. It describes the peer's bytes, so it carries
 * no stack trace.
 */
final class FileProtocolException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	FileProtocolException(String message) {
		super(message, null, false, false);
	}

}
