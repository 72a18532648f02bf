package io.chaski.node;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.support.DaemonThreads;
import io.chaski.support.LogSafe;

/**
 * Connects a started node to its seed nodes in the background. A seed that cannot be reached is retried with
 * the node's reconnection backoff ({@code 1 + reconnectAttempts} attempts in all), so a dead seed never
 * blocks or fails the caller. Seeds that point at the node itself are skipped.
 */
public final class SeedConnector implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(SeedConnector.class);

	private final ChaskiNode node;

	private final List<PeerAddress> seeds;

	private final Backoff backoff;

	private final ScheduledThreadPoolExecutor timer;

	/**
	 * @param node the node that dials out
	 * @param seeds addresses as {@code host:port}, {@code name@host:port} or {@code [ipv6]:port}
	 * @throws IllegalArgumentException if an address is malformed
	 */
	public SeedConnector(ChaskiNode node, List<String> seeds) {
		this.node = node;
		this.seeds = seeds.stream().map(PeerAddress::parse).toList();
		this.backoff = new Backoff(node.settings().reconnectInitialBackoff(), node.settings().reconnectMaxBackoff());
		this.timer = DaemonThreads.timer(node.name() + "-seeds");
	}

	/** @return the seeds, parsed */
	public List<PeerAddress> seeds() {
		return this.seeds;
	}

	/** Starts dialing every seed; returns at once. Call after the node started. */
	public void start() {
		for (PeerAddress seed : this.seeds) {
			if (isSelf(this.node.address(), seed)) {
				log.debug("Node {} skips seed {}: that is itself", this.node.name(), seed);
				continue;
			}
			schedule(seed, 1, Duration.ZERO);
		}
	}

	/** Stops dialing; connections already made stay. */
	@Override
	public void close() {
		this.timer.shutdownNow();
	}

	private void schedule(PeerAddress seed, int attempt, Duration delay) {
		try {
			this.timer.schedule(() -> attempt(seed, attempt), delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// closed: the node is stopping
		}
	}

	private void attempt(PeerAddress seed, int attempt) {
		if (!this.node.isRunning()) {
			return;
		}
		this.node.connect(seed.host(), seed.port()).whenComplete((peer, failure) -> {
			if (failure == null) {
				log.info("Node {} joined the mesh through seed {} ({})", this.node.name(), seed,
						LogSafe.of(peer.name()));
				return;
			}
			String reason = reason(failure);
			if (this.timer.isShutdown() || !this.node.isRunning()) {
				log.debug("Node {} stopped dialling seed {}: it is stopping ({})", this.node.name(), seed, reason);
				return;
			}
			int maxAttempts = 1 + this.node.settings().reconnectAttempts();
			if (attempt >= maxAttempts) {
				log.warn("Node {} gave up on seed {} after {} attempt(s): {}", this.node.name(), seed, attempt, reason);
				return;
			}
			Duration delay = this.backoff.delayBefore(attempt);
			log.info("Node {} cannot reach seed {} yet ({}); retrying in {} ms (attempt {} of {})", this.node.name(),
					seed, reason, delay.toMillis(), attempt + 1, maxAttempts);
			schedule(seed, attempt + 1, delay);
		});
	}

	/**
	 * @param self a node's own address, {@code null} before it started
	 * @param seed a seed address
	 * @return whether the seed is that node (its port on one of this machine's addresses)
	 */
	static boolean isSelf(PeerAddress self, PeerAddress seed) {
		if (self == null || self.port() != seed.port()) {
			return false;
		}
		try {
			InetAddress address = InetAddress.getByName(seed.host());
			return address.isAnyLocalAddress() || address.isLoopbackAddress()
					|| NetworkInterface.getByInetAddress(address) != null;
		}
		catch (UnknownHostException | SocketException ex) {
			return false;
		}
	}

	/**
	 * @param failure why a connection attempt failed, as wrapped by the transport and the futures
	 * @return the innermost cause in a few words: "Connection refused" rather than the chain of wrappers (whose
	 * messages repeat the address), and what a rejected task or a timeout means here
	 */
	static String reason(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		if (root instanceof RejectedExecutionException) {
			return "the node is stopping";
		}
		if (root instanceof TimeoutException) {
			return "no handshake within the connect and handshake timeouts";
		}
		return (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
	}

}
