package io.chaski.autoconfigure;

import org.springframework.context.SmartLifecycle;

import io.chaski.membership.MulticastDiscovery;
import io.chaski.node.ChaskiNode;

/**
 * Runs multicast announce/listen ({@code chaski.discovery.multicast.*}) once membership runs, on the network
 * interface of the node's bind address, and stops it before membership leaves.
 */
public class ChaskiMulticastDiscovery implements SmartLifecycle {

	private final ChaskiMembership membership;

	private final ChaskiNode node;

	private final ChaskiProperties.Multicast properties;

	private volatile MulticastDiscovery discovery;

	/**
	 * @param membership the node's membership
	 * @param node the node (its bind host chooses the interface)
	 * @param properties group, port and interval
	 */
	public ChaskiMulticastDiscovery(ChaskiMembership membership, ChaskiNode node,
			ChaskiProperties.Multicast properties) {
		this.membership = membership;
		this.node = node;
		this.properties = properties;
	}

	@Override
	public synchronized void start() {
		if (this.discovery == null) {
			this.discovery = MulticastDiscovery.start(
					this.membership.membership().orElseThrow(() -> new IllegalStateException("membership is not running")),
					this.properties.group(), this.properties.port(), this.properties.interval(),
					this.node.settings().bindHost());
		}
	}

	@Override
	public synchronized void stop() {
		if (this.discovery != null) {
			this.discovery.close();
			this.discovery = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.discovery != null;
	}

	/** After membership starts, before it leaves. */
	@Override
	public int getPhase() {
		return this.membership.getPhase() + 1;
	}

}
