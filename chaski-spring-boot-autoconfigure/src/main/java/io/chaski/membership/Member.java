package io.chaski.membership;

import java.util.UUID;

/**
 * One member as this node sees it; also the unit of gossip (a state change travels as the member's record).
 *
 * @param id the member's node id (new at every start of its process)
 * @param name its name
 * @param host host its membership (UDP) endpoint listens on
 * @param port that port
 * @param state alive, suspect, dead or left
 * @param incarnation the member's own counter; only it raises it, to refute a suspicion or change metadata
 * @param metadata what it advertises (TCP address, subscriptions)
 */
public record Member(UUID id, String name, String host, int port, MemberState state, long incarnation,
		MemberMetadata metadata) {

	/**
	 * @param newState a state
	 * @param newIncarnation an incarnation
	 * @return this member in that state
	 */
	public Member with(MemberState newState, long newIncarnation) {
		return new Member(this.id, this.name, this.host, this.port, newState, newIncarnation, this.metadata);
	}

	/** @return {@code host:port} of the membership endpoint */
	public String address() {
		return (this.host.indexOf(':') >= 0 ? "[" + this.host + "]" : this.host) + ":" + this.port;
	}

}
