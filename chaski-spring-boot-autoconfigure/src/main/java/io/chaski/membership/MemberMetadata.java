package io.chaski.membership;

import java.util.List;

/**
 * What a member tells the others about itself through gossip: where its TCP node listens, the topics it
 * subscribes to, whether it relays every topic, and its software version.
 *
 * @param tcpHost host the member's node accepts TCP connections on
 * @param tcpPort that port
 * @param subscriptions topics the member subscribes to
 * @param root whether the member relays every topic
 * @param version the member's protocol or software version
 */
public record MemberMetadata(String tcpHost, int tcpPort, List<String> subscriptions, boolean root, String version) {

	/** Metadata of a member that has no TCP node (tests, tools). */
	public static final MemberMetadata NONE = new MemberMetadata("", 0, List.of(), false, "");

	/** Copies the subscriptions. */
	public MemberMetadata {
		subscriptions = List.copyOf(subscriptions);
	}

}
