package io.chaski.autoconfigure;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;

import io.chaski.annotation.ChaskiListenerRegistry;
import io.chaski.annotation.ListenerContainer;
import io.chaski.files.FileOutcome;
import io.chaski.files.FileStats;
import io.chaski.files.FileTransfers;
import io.chaski.node.ChaskiNode;
import io.chaski.node.NodeListener;
import io.chaski.node.PeerInfo;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.StreamerObserver;

/**
 * Chaski's Micrometer meters, all named {@code chaski.*}: messages published, received and dropped by topic,
 * bytes in and out, peers, per-peer latency, queue depths, the message pool, and per-listener messages and
 * errors. Topic tags are capped at {@value #MAX_TOPIC_TAGS} distinct topics (the rest count under
 * {@value #OTHER_TOPICS}) so that a mesh with many topics cannot flood the registry.
 */
public class ChaskiMetrics implements MeterBinder {

	/** Most distinct topic tag values per meter. */
	public static final int MAX_TOPIC_TAGS = 500;

	/** Topic tag for topics beyond {@link #MAX_TOPIC_TAGS}. */
	public static final String OTHER_TOPICS = "_other";

	private final ChaskiNode node;

	private final ChaskiStreamer streamer;

	private final ObjectProvider<ChaskiListenerRegistry> listeners;

	/**
	 * @param node the node
	 * @param streamer its streamer
	 * @param listeners the listeners, if any
	 */
	public ChaskiMetrics(ChaskiNode node, ChaskiStreamer streamer, ObjectProvider<ChaskiListenerRegistry> listeners) {
		this.node = node;
		this.streamer = streamer;
		this.listeners = listeners;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("chaski.peers", this.node, node -> node.peers().size())
			.description("Connected peers")
			.register(registry);
		FunctionCounter.builder("chaski.network.received", this.node, node -> node.stats().bytesIn())
			.description("Bytes received from peers, frame headers included")
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
		FunctionCounter.builder("chaski.network.sent", this.node, node -> node.stats().bytesOut())
			.description("Bytes sent to peers, frame headers included")
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
		FunctionCounter.builder("chaski.reconnects", this.node, node -> node.stats().reconnects())
			.description("Successful reconnections to lost peers")
			.register(registry);
		FunctionCounter.builder("chaski.connections.rejected", this.node, node -> node.stats().rejectedConnections())
			.description("Connections closed for bad frames, protocol violations or a handshake not done in time")
			.register(registry);
		FunctionCounter.builder("chaski.connections.evicted", this.node,
				node -> node.stats().evictedPendingConnections())
			.description("Connections awaiting their handshake closed to make room for newer ones")
			.register(registry);
		FunctionCounter.builder("chaski.connections.refused", this.node, node -> node.stats().refusedConnections())
			.description("Connections closed at once because every I/O thread was taken")
			.register(registry);
		FunctionCounter.builder("chaski.handshakes.refused", this.node, node -> node.stats().authenticationFailures())
			.description("Handshakes refused: the peer could not prove the cluster secret, or the node was full")
			.tag("reason", "authentication")
			.register(registry);
		FunctionCounter.builder("chaski.handshakes.refused", this.node, node -> node.stats().peerLimitRefusals())
			.description("Handshakes refused: the peer could not prove the cluster secret, or the node was full")
			.tag("reason", "peer-limit")
			.register(registry);
		Gauge.builder("chaski.queue.depth", this.node,
				node -> node.peers().stream().mapToLong(PeerInfo::queuedMessages).sum())
			.description("Messages waiting in queues")
			.tag("queue", "outbound")
			.baseUnit(BaseUnits.MESSAGES)
			.register(registry);
		Gauge.builder("chaski.queue.depth", this.streamer, streamer -> streamer.stats().backlog())
			.description("Messages waiting in queues")
			.tag("queue", "subscribers")
			.baseUnit(BaseUnits.MESSAGES)
			.register(registry);
		Gauge.builder("chaski.message.pool.origins", this.streamer, streamer -> streamer.stats().poolOrigins())
			.description("Origin nodes whose recent message ids are remembered to drop duplicates")
			.register(registry);
		FunctionCounter
			.builder("chaski.message.pool.rejected", this.streamer, streamer -> streamer.stats().rejectedIds())
			.description("Messages dropped because their origin cannot have produced their id (forged or corrupt)")
			.baseUnit(BaseUnits.MESSAGES)
			.register(registry);
		bindFiles(registry, this.streamer.files());
		Traffic traffic = new Traffic(registry);
		this.streamer.addObserver(traffic);
		this.node.addListener(traffic);
		this.node.peers().forEach(traffic::peerConnected);
		this.listeners.ifAvailable(registryOfListeners -> registryOfListeners
			.onRegistration(container -> bindListener(registry, container)));
	}

	private static void bindFiles(MeterRegistry registry, FileTransfers files) {
		FileStats stats = files.stats();
		FunctionCounter.builder("chaski.files.bytes", stats, FileStats::bytesSent)
			.description("File bytes sent and received in chunks")
			.tag("direction", "sent")
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
		FunctionCounter.builder("chaski.files.bytes", stats, FileStats::bytesReceived)
			.description("File bytes sent and received in chunks")
			.tag("direction", "received")
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
		for (FileOutcome outcome : FileOutcome.values()) {
			String tag = outcome.name().toLowerCase(Locale.ROOT);
			FunctionCounter.builder("chaski.files.transfers", stats, s -> s.sent(outcome))
				.description("Finished file transfers, one per receiving node, by outcome")
				.tags("direction", "sent", "outcome", tag)
				.register(registry);
			FunctionCounter.builder("chaski.files.transfers", stats, s -> s.received(outcome))
				.description("Finished file transfers, one per receiving node, by outcome")
				.tags("direction", "received", "outcome", tag)
				.register(registry);
		}
		Gauge.builder("chaski.files.active", files, f -> f.active().size())
			.description("File transfers in progress, both directions")
			.register(registry);
	}

	private static void bindListener(MeterRegistry registry, ListenerContainer container) {
		FunctionCounter.builder("chaski.listener.messages", container, ListenerContainer::handledCount)
			.description("Messages a listener handled")
			.tag("listener", container.id())
			.register(registry);
		FunctionCounter.builder("chaski.listener.errors", container, ListenerContainer::errorCount)
			.description("Messages whose listener threw an exception")
			.tag("listener", container.id())
			.register(registry);
	}

	/** Per-topic counters and per-peer gauges of one registry, updated from the engine's callbacks. */
	private final class Traffic implements StreamerObserver, NodeListener {

		private final MeterRegistry registry;

		private final Map<String, Counter> published = new ConcurrentHashMap<>();

		private final Map<String, Counter> received = new ConcurrentHashMap<>();

		private final Map<String, Map<String, Counter>> dropped = new ConcurrentHashMap<>();

		private final Map<PeerKey, Meter> latencies = new ConcurrentHashMap<>();

		/** The counters used last: a run of messages on one topic skips the map lookup. */
		private TopicCounter lastPublished = TopicCounter.NONE;

		private TopicCounter lastReceived = TopicCounter.NONE;

		Traffic(MeterRegistry registry) {
			this.registry = registry;
		}

		@Override
		public void published(String topic, int payloadBytes) {
			TopicCounter last = this.lastPublished;
			if (last.topic() != topic) {
				last = new TopicCounter(topic, counter(this.published, topic, "chaski.messages.published",
						"Messages published by this node", Tags.empty()));
				this.lastPublished = last;
			}
			last.counter().increment();
		}

		@Override
		public void received(String topic, int messages, long payloadBytes) {
			TopicCounter last = this.lastReceived;
			if (last.topic() != topic) {
				last = new TopicCounter(topic, counter(this.received, topic, "chaski.messages.received",
						"Messages from peers accepted by this node", Tags.empty()));
				this.lastReceived = last;
			}
			last.counter().increment(messages);
		}

		@Override
		public void dropped(String topic, String reason) {
			Map<String, Counter> byTopic = this.dropped.get(reason);
			if (byTopic == null) {
				byTopic = this.dropped.computeIfAbsent(reason, r -> new ConcurrentHashMap<>());
			}
			counter(byTopic, topic, "chaski.messages.dropped", "Messages dropped, by reason", Tags.of("reason", reason))
				.increment();
		}

		@Override
		public void peerConnected(PeerInfo peer) {
			PeerKey key = PeerKey.of(peer);
			this.latencies.computeIfAbsent(key, k -> Gauge
				.builder("chaski.peer.latency", ChaskiMetrics.this.node,
						node -> latencySeconds(node, key))
				.description("Smoothed one-way latency to a peer (RTT/2)")
				.tags(Tags.of("peer", key.name(), "address", key.address()))
				.baseUnit("seconds")
				.register(this.registry));
		}

		@Override
		public void peerDisconnected(PeerInfo peer, boolean graceful) {
			PeerKey key = PeerKey.of(peer);
			boolean stillConnected = ChaskiMetrics.this.node.peers().stream()
				.anyMatch(other -> key.equals(PeerKey.of(other)));
			Meter gauge = stillConnected ? null : this.latencies.remove(key);
			if (gauge != null) {
				this.registry.remove(gauge);
			}
		}

		/**
		 * The counter of a topic; called per message, so the common case is one map lookup and the meter is
		 * built only the first time (topics beyond the cap share one counter).
		 */
		private Counter counter(Map<String, Counter> counters, String topic, String name, String description,
				Tags tags) {
			Counter counter = counters.get(topic);
			if (counter == null) {
				String tag = (counters.size() < MAX_TOPIC_TAGS) ? topic : OTHER_TOPICS;
				counter = counters.computeIfAbsent(tag, t -> Counter.builder(name)
					.description(description)
					.tags(tags.and("topic", t))
					.register(this.registry));
			}
			return counter;
		}

		private static double latencySeconds(ChaskiNode node, PeerKey key) {
			return node.peers().stream()
				.filter(peer -> key.equals(PeerKey.of(peer)))
				.mapToDouble(PeerInfo::latencyMillis)
				.findFirst()
				.orElse(Double.NaN) / 1000.0;
		}

	}

	/**
	 * A topic and its counter, compared by identity (topic strings repeat as one instance within a run of
	 * messages); immutable, so threads that race on the field each see a consistent pair.
	 */
	private record TopicCounter(String topic, Counter counter) {

		static final TopicCounter NONE = new TopicCounter(null, null);

	}

	/** A peer as meters know it: stable across its reconnections and restarts. */
	private record PeerKey(String name, String address) {

		static PeerKey of(PeerInfo peer) {
			return new PeerKey(peer.name(), peer.address().hostAndPort());
		}

	}

}
