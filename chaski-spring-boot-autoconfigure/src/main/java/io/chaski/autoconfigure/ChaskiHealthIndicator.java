package io.chaski.autoconfigure;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.chaski.membership.MemberState;
import io.chaski.node.ChaskiNode;
import io.chaski.node.PeerAddress;

/**
 * Health of the node ({@code chaski}): UP while it listens, DOWN when stopped, OUT_OF_SERVICE when it has seeds
 * but no other member is alive (it listens but is cut off from the mesh). Details: node id, name, address, peer
 * count, topics and member counts by state.
 */
public class ChaskiHealthIndicator implements HealthIndicator {

	private final ChaskiNode node;

	private final ChaskiMembership membership;

	/**
	 * @param node the node to report on
	 */
	public ChaskiHealthIndicator(ChaskiNode node) {
		this(node, null);
	}

	/**
	 * @param node the node to report on
	 * @param membership its membership; {@code null} without
	 */
	public ChaskiHealthIndicator(ChaskiNode node, ChaskiMembership membership) {
		this.node = node;
		this.membership = membership;
	}

	@Override
	public Health health() {
		PeerAddress address = this.node.address();
		Map<String, Long> members = memberCounts();
		Health.Builder health;
		if (!this.node.isRunning()) {
			health = Health.down();
		}
		else if (this.membership != null && this.membership.hasSeeds() && members.getOrDefault("alive", 0L) <= 1) {
			health = Health.outOfService(); // only itself alive: cut off from every seed and member
		}
		else {
			health = Health.up();
		}
		if (!members.isEmpty()) {
			health.withDetail("members", members);
		}
		return health
			.withDetail("nodeId", this.node.id())
			.withDetail("name", this.node.name())
			.withDetail("address", (address != null) ? address.hostAndPort() : "not listening")
			.withDetail("peers", this.node.peers().size())
			.withDetail("topics", new TreeSet<>(this.node.subscriptions()))
			.build();
	}

	/** @return members by state (this node counts as alive), empty without membership */
	private Map<String, Long> memberCounts() {
		if (this.membership == null) {
			return Map.of();
		}
		Map<String, Long> counts = new TreeMap<>();
		for (MemberState state : MemberState.values()) {
			counts.put(state.name().toLowerCase(Locale.ROOT), 0L);
		}
		this.membership.membership().ifPresent(running -> running.members()
			.forEach(member -> counts.merge(member.state().name().toLowerCase(Locale.ROOT), 1L, Long::sum)));
		return counts;
	}

}
