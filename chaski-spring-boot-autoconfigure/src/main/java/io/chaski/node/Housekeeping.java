package io.chaski.node;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's periodic round: keep-alive pings, closing idle edges that the link plan does not need
 * (docs/protocol.md 4.4, docs/membership.md) and closing connections whose handshake did not complete in time.
 */
final class Housekeeping implements Runnable {

	// the node's category, as before this class was split off, so logging settings keep applying
	private static final Logger log = LoggerFactory.getLogger(ChaskiNode.class);

	private final ChaskiNode node;

	private final NodeSettings settings;

	private final EdgeRegistry registry;

	private final Pinger pinger;

	Housekeeping(ChaskiNode node, EdgeRegistry registry, Pinger pinger) {
		this.node = node;
		this.settings = node.settings();
		this.registry = registry;
		this.pinger = pinger;
	}

	/** Runs the round on the timer, often enough to send each keep-alive close to its time. */
	void scheduleOn(ScheduledExecutorService timer) {
		long tick = Math.max(50, Math.min(this.settings.keepAliveInterval().toMillis() / 4, 1000));
		if (this.settings.keepAliveInterval().isZero()) {
			tick = 1000;
		}
		timer.scheduleWithFixedDelay(this, tick, tick, TimeUnit.MILLISECONDS);
	}

	@Override
	public void run() {
		try {
			long now = System.nanoTime();
			for (Edge edge : this.registry.edges()) {
				if (!this.settings.keepAliveInterval().isZero()) {
					this.pinger.keepAlive(edge, now);
				}
				closeIfIdle(edge, now);
			}
			for (ConnectionState state : this.registry.connections()) {
				if (state.edge == null && now - state.openedNanos > this.settings.handshakeTimeout().toNanos()) {
					this.node.reject(state.connection, "no handshake within " + this.settings.handshakeTimeout());
				}
			}
		}
		catch (RuntimeException ex) {
			log.warn("Housekeeping of node {} failed", this.node.name(), ex);
		}
	}

	/** An edge without data for the idle timeout that the node's link plan does not need is closed. */
	private void closeIfIdle(Edge edge, long now) {
		Duration idle = this.settings.idleTimeout();
		if (idle.isZero() || now - edge.lastDataNanos() < idle.toNanos() || this.node.linkPlan().keeps(this.node, edge)) {
			return;
		}
		log.info("Node {} closes idle edge {}", this.node.name(), edge);
		this.node.disconnect(edge.nodeId());
	}

}
