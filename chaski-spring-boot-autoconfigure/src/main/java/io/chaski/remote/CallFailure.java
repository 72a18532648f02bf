package io.chaski.remote;

import io.chaski.support.LogSafe;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The payload of a CALL_FAILED envelope (JSON): why the call failed, the type and message of the exception the
 * method threw (if it threw), and the name of the node that answered.
 *
 * @param reason one of the {@code REASON_*} values
 * @param type the remote exception's class name, or {@code null}
 * @param message the message
 * @param node the answering node's name
 */
record CallFailure(String reason, String type, String message, String node) {

	/** The method threw. */
	static final String EXCEPTION = "error";

	/** Unknown service or method. */
	static final String REFUSED = "refused";

	/** The provider's executor is full. */
	static final String BUSY = "busy";

	/** The call's payload was malformed. */
	static final String MALFORMED = "malformed";

	/** The result does not fit in a frame, or cannot be encoded. */
	static final String TOO_LARGE = "too-large";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	byte[] toJson() {
		return JSON.writeValueAsBytes(this);
	}

	/**
	 * @param payload bytes from a peer
	 * @return the failure with every field escaped and cut for logs and exception messages
	 */
	static CallFailure read(byte[] payload) {
		try {
			CallFailure failure = JSON.readValue(payload, CallFailure.class);
			if (failure != null && failure.reason != null) {
				return new CallFailure(LogSafe.of(failure.reason), (failure.type != null) ? LogSafe.of(failure.type) : null,
						LogSafe.of(failure.message), LogSafe.of(failure.node));
			}
		}
		catch (JacksonException ex) {
			// falls through: reported as malformed below
		}
		return new CallFailure(MALFORMED, null, "unreadable failure report", "?");
	}

	/** @return the exception a caller sees */
	ChaskiRemoteException toException(String call) {
		if (EXCEPTION.equals(this.reason)) {
			return new ChaskiRemoteException(call + " threw " + this.type + ": " + this.message + " (on node "
					+ this.node + ")", this.type, this.node);
		}
		return new ChaskiRemoteException(call + " failed (" + this.reason + "): " + this.message + " (on node "
				+ this.node + ")", null, this.node);
	}

}
