package io.chaski.files;

import java.util.List;
import java.util.function.Supplier;

import io.chaski.membership.MemberState;
import io.chaski.membership.Membership;

/**
 * The subscribers membership knows of: alive members whose gossiped metadata lists the topic and a TCP address.
 */
public final class MembershipDirectory implements SubscriberDirectory {

	private final Supplier<Membership> membership;

	/** @param membership the node's membership, or {@code null} while it is not running */
	public MembershipDirectory(Supplier<Membership> membership) {
		this.membership = membership;
	}

	@Override
	public List<Subscriber> subscribers(String topic) {
		Membership current = this.membership.get();
		if (current == null) {
			return List.of();
		}
		return current.members().stream()
			.filter(member -> member.state() == MemberState.ALIVE && member.metadata().tcpPort() > 0
					&& member.metadata().subscriptions().contains(topic))
			.map(member -> new Subscriber(member.id(), member.name(), member.metadata().tcpHost(),
					member.metadata().tcpPort()))
			.toList();
	}

}
