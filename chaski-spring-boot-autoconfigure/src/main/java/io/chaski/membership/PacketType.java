package io.chaski.membership;

/** The kinds of membership packet; the code is on the wire (docs/membership.md). */
enum PacketType {

	/** Are you alive? Answered with {@link #ACK}. */
	PING(1),

	/** Answer to a ping. */
	ACK(2),

	/** Please ping the target for me and forward its ack. */
	PING_REQ(3),

	/** Gossip only. */
	GOSSIP(4),

	/** Join or re-probe: here I am, send me your member list. */
	SYNC(5),

	/** Part of a member list sent in answer to {@link #SYNC}. */
	SYNC_REPLY(6),

	/**
	 * From a member asked by {@link #PING_REQ}: I am here, but the target did not answer me either (Lifeguard: the
	 * prober's own health is fine).
	 */
	NACK(7);

	private final int code;

	PacketType(int code) {
		this.code = code;
	}

	int code() {
		return this.code;
	}

	static PacketType of(int code) {
		for (PacketType type : values()) {
			if (type.code == code) {
				return type;
			}
		}
		return null;
	}

}
