package io.chaski.membership;

/** Thrown by {@link PacketCodec#decode} for a packet that must be dropped; carries the counted reason. */
final class PacketRejectedException extends Exception {

	private static final long serialVersionUID = 1L;

	private final RejectReason reason;

	PacketRejectedException(RejectReason reason, String message) {
		super(message, null, false, false);
		this.reason = reason;
	}

	RejectReason reason() {
		return this.reason;
	}

}
