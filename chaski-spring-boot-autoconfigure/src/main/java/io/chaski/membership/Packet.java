package io.chaski.membership;

import java.util.List;
import java.util.UUID;

/**
 * A decoded membership packet. Every packet has the same fields so one codec reads them all; those a type does
 * not use are zero or empty.
 *
 * @param type what it asks or answers
 * @param sender the sending member's id
 * @param sequence matches an ack to its ping
 * @param target the member to ping (PING, PING_REQ); {@link #NOBODY} otherwise
 * @param updates gossip: member records
 */
record Packet(PacketType type, UUID sender, int sequence, UUID target, List<Member> updates) {

	/** The target of packets that have none. */
	static final UUID NOBODY = new UUID(0, 0);

	Packet {
		updates = List.copyOf(updates);
	}

}
