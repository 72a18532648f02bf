package io.chaski.autoconfigure;

import java.util.TreeSet;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.chaski.node.ChaskiNode;
import io.chaski.node.PeerAddress;

/**
 * Health of the node ({@code chaski}): UP while it listens, DOWN when stopped. Details: node id, name,
 * address, peer count and topics.
 */
public class ChaskiHealthIndicator implements HealthIndicator {

	private final ChaskiNode node;

	/**
	 * @param node the node to report on
	 */
	public ChaskiHealthIndicator(ChaskiNode node) {
		this.node = node;
	}

	@Override
	public Health health() {
		PeerAddress address = this.node.address();
		return (this.node.isRunning() ? Health.up() : Health.down())
			.withDetail("nodeId", this.node.id())
			.withDetail("name", this.node.name())
			.withDetail("address", (address != null) ? address.hostAndPort() : "not listening")
			.withDetail("peers", this.node.peers().size())
			.withDetail("topics", new TreeSet<>(this.node.subscriptions()))
			.build();
	}

}
