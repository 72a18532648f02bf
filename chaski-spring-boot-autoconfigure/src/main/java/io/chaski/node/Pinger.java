package io.chaski.node;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;

/**
 * Pings and pongs (docs/protocol.md 4.3): sends pings, answers the peer's, measures latency from the pongs, and
 * keeps edges alive, closing a connection whose peer missed too many keep-alive pings in a row.
 */
final class Pinger {

	// the node's category, as before this class was split off, so logging settings keep applying
	private static final Logger log = LoggerFactory.getLogger(ChaskiNode.class);

	private final ChaskiNode node;

	Pinger(ChaskiNode node) {
		this.node = node;
	}

	/**
	 * @param padding bytes the peer echoes; padded pings do not feed the latency estimate
	 * @param answer completed with the one-way latency; {@code null} for keep-alive pings
	 */
	void ping(Edge edge, byte[] padding, CompletableFuture<Duration> answer) {
		long pingId = this.node.nextMessageId();
		edge.pendingPings.put(pingId, new PendingPing(System.nanoTime(), answer, padding.length == 0));
		if (answer != null) {
			answer.whenComplete((latency, failure) -> edge.pendingPings.remove(pingId));
		}
		edge.offerControl(Envelope.control(EnvelopeKind.PING, this.node.id(), pingId, padding));
	}

	/**
	 * Answers a peer's ping at once, ahead of queued data. The ping is a sign of life too: a peer whose reader a
	 * slow subscriber holds cannot read our pings, but its own keep-alive pings still reach us.
	 */
	void answer(Edge edge, Envelope ping) {
		edge.unansweredKeepAlives.set(0);
		edge.offerControl(new Envelope(EnvelopeKind.PONG, this.node.id(), ping.id(), 1, ping.timestamp(), "", Map.of(),
				ping.payload()));
	}

	void onPong(Edge edge, Envelope envelope) {
		PendingPing ping = edge.pendingPings.remove(envelope.id());
		if (ping == null) {
			return; // late answer to a ping that timed out
		}
		long oneWay = (System.nanoTime() - ping.sentNanos()) / 2;
		if (ping.recordLatency()) {
			edge.latency.record(oneWay);
		}
		if (ping.answer() != null) {
			ping.answer().complete(Duration.ofNanos(oneWay));
		}
		else {
			edge.unansweredKeepAlives.set(0);
		}
	}

	/** Sends the edge's next keep-alive ping if it is due, or closes the connection if too many went unanswered. */
	void keepAlive(Edge edge, long now) {
		if (now < edge.nextKeepAliveNanos) {
			return;
		}
		NodeSettings settings = this.node.settings();
		double jitter = 1.0 + ThreadLocalRandom.current().nextDouble(0.25);
		edge.nextKeepAliveNanos = now + (long) (settings.keepAliveInterval().toNanos() * jitter);
		// while our own reader is held by back-pressure the peer's pongs wait unread: nothing to judge, but our
		// pings still tell the peer that we are alive
		if (!edge.readingFrame) {
			if (edge.unansweredKeepAlives.get() >= settings.maxMissedPings()) {
				log.warn("Node {}: {} missed {} pings in a row; closing the connection", this.node.name(), edge,
						settings.maxMissedPings());
				edge.connection().close();
				return;
			}
			edge.unansweredKeepAlives.incrementAndGet();
		}
		edge.pendingPings.values().removeIf(ping -> ping.answer() == null);
		ping(edge, new byte[0], null);
	}

}
