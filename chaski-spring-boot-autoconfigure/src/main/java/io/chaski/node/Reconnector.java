package io.chaski.node;

import io.chaski.support.LogSafe;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.transport.Connection;

/**
 * Redials a peer whose connection failed (docs/protocol.md 4.4): only the node that opened the connection
 * redials, with exponential backoff, up to the configured number of attempts.
 */
final class Reconnector {

	// the node's category, as before this class was split off, so logging settings keep applying
	private static final Logger log = LoggerFactory.getLogger(ChaskiNode.class);

	private final ChaskiNode node;

	private final int maxAttempts;

	private final Backoff backoff;

	private final ScheduledExecutorService timer;

	Reconnector(ChaskiNode node, ScheduledExecutorService timer) {
		NodeSettings settings = node.settings();
		this.node = node;
		this.maxAttempts = settings.reconnectAttempts();
		this.backoff = new Backoff(settings.reconnectInitialBackoff(), settings.reconnectMaxBackoff());
		this.timer = timer;
	}

	/**
	 * Starts redialling after an edge was lost without a goodbye, if this node opened its connection.
	 * @param connection the connection that failed
	 * @param address where the peer listens
	 */
	void connectionFailed(Connection connection, PeerAddress address) {
		if (this.node.isStarted() && connection.initiatedLocally() && this.maxAttempts > 0) {
			schedule(address, 1);
		}
	}

	private void schedule(PeerAddress address, int attempt) {
		Duration delay = this.backoff.delayBefore(attempt);
		log.info("Node {} reconnects to {} in {} ms (attempt {} of {})", this.node.name(), LogSafe.of(address),
				delay.toMillis(),
				attempt, this.maxAttempts);
		try {
			this.timer.schedule(() -> this.node.connect(address.host(), address.port())
				.whenComplete((peer, failure) -> attempted(address, attempt, failure)), delay.toNanos(),
					TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping
		}
	}

	private void attempted(PeerAddress address, int attempt, Throwable failure) {
		if (failure == null) {
			this.node.stats().reconnects.increment();
		}
		else if (attempt < this.maxAttempts && this.node.isStarted()) {
			schedule(address, attempt + 1);
		}
		else if (this.node.isStarted()) {
			log.warn("Node {} gave up reconnecting to {} after {} attempts", this.node.name(), LogSafe.of(address),
					attempt);
		}
	}

}
