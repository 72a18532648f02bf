package io.chaski.remote;

/** A CALL or RESULT payload from a peer breaks the layout or does not fit the declared types. */
final class MalformedCallException extends RuntimeException {

	MalformedCallException(String message) {
		super(message, null, false, false);
	}

}
