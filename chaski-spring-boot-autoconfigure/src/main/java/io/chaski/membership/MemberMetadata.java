package io.chaski.membership;

import java.util.List;

/**
 * What a member tells the others about itself through gossip: where its TCP node listens, the topics it
 * subscribes to, the services it exports for remote calls, whether it relays every topic, and its software
 * version. Metadata too large for one membership packet travels over UDP without its topics and services
 * ({@link #complete()} false) and in full over TCP (docs/membership.md).
 *
 * @param tcpHost host the member's node accepts TCP connections on
 * @param tcpPort that port
 * @param subscriptions topics the member subscribes to
 * @param root whether the member relays every topic
 * @param version the member's protocol or software version
 * @param services names of the services the member exports (at most {@value #MAX_SERVICES}, each 1..
 * {@value #MAX_SERVICE_NAME} characters)
 * @param complete whether topics and services are all here; {@code false} when they did not fit in a packet and
 * are fetched from the member over TCP
 */
public record MemberMetadata(String tcpHost, int tcpPort, List<String> subscriptions, boolean root, String version,
		List<String> services, boolean complete) {

	/** Most services one member may export (and announce). */
	public static final int MAX_SERVICES = 1024;

	/** Longest service name, in characters. */
	public static final int MAX_SERVICE_NAME = 256;

	/** Metadata of a member that has no TCP node (tests, tools). */
	public static final MemberMetadata NONE = new MemberMetadata("", 0, List.of(), false, "");

	/** Copies the lists and checks the services. */
	public MemberMetadata {
		subscriptions = List.copyOf(subscriptions);
		services = List.copyOf(services);
		if (services.size() > MAX_SERVICES) {
			throw new IllegalArgumentException(services.size() + " services, more than " + MAX_SERVICES);
		}
		for (String service : services) {
			if (service.isBlank() || service.length() > MAX_SERVICE_NAME) {
				throw new IllegalArgumentException("service name must be 1.." + MAX_SERVICE_NAME + " characters");
			}
		}
	}

	/**
	 * Complete metadata of a member that exports no services.
	 * @param tcpHost host the member's node accepts TCP connections on
	 * @param tcpPort that port
	 * @param subscriptions topics the member subscribes to
	 * @param root whether the member relays every topic
	 * @param version the member's protocol or software version
	 */
	public MemberMetadata(String tcpHost, int tcpPort, List<String> subscriptions, boolean root, String version) {
		this(tcpHost, tcpPort, subscriptions, root, version, List.of(), true);
	}

	/** @return this metadata without topics and services, marked incomplete (what a packet carries when the
	 * whole does not fit) */
	MemberMetadata withoutLists() {
		return new MemberMetadata(this.tcpHost, this.tcpPort, List.of(), this.root, this.version, List.of(), false);
	}

}
