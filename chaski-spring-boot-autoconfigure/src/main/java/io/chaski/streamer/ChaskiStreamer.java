package io.chaski.streamer;

import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.slf4j.LoggerFactory;

import io.chaski.files.FileSettings;
import io.chaski.files.FileTransferResult;
import io.chaski.files.FileTransfers;
import io.chaski.node.ChaskiNode;
import io.chaski.node.ChaskiOverflowException;
import io.chaski.node.Edge;
import io.chaski.node.EnvelopeHandler;
import io.chaski.node.OverflowPolicy;
import io.chaski.node.Route;
import io.chaski.support.LogSafe;
import io.chaski.support.RateLimitedLog;
import io.chaski.wire.DefaultPayloadCodec;
import io.chaski.wire.EncodedPayload;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.PayloadCodec;

/**
 * Topic publish/subscribe over a {@link ChaskiNode}. Messages flood along the edges of nodes that share the
 * topic (and through root nodes), hop by hop, each hop checking the hop limit and dropping ids it has seen.
 * Delivery is in order per sender per link and, with the default policies ({@link DeliveryPolicy#WAIT} for
 * subscriptions, {@link OverflowPolicy#WAIT} for peer queues), lossless while every node is alive: a reader
 * that falls behind slows its link, its relays and its publishers down instead of losing messages. Across
 * crashes it is at-most-once.
 */
public final class ChaskiStreamer implements AutoCloseable {

	private static final RateLimitedLog dropLog = new RateLimitedLog(LoggerFactory.getLogger(ChaskiStreamer.class));

	private final ChaskiNode node;

	private final StreamerSettings settings;

	private final PayloadCodec codec;

	private final MessagePool pool;

	private final Map<String, List<ChaskiSubscription<?>>> byTopic = new ConcurrentHashMap<>();

	private final List<ChaskiSubscription<?>> everyTopic = new CopyOnWriteArrayList<>();

	/**
	 * The topic the last publish checked: a publisher that keeps to one topic skips the check. Unsynchronized on
	 * purpose: a string is immutable, so a thread sees a checked topic or another one, never a half-built one.
	 */
	private String lastTopic;

	private final List<StreamerObserver> observers = new CopyOnWriteArrayList<>();

	private final Map<String, Map<String, String>> headersByContentType = new ConcurrentHashMap<>();

	/** Received messages wait here until the end of their frame, then go to each subscription at once. */
	private final ThreadLocal<FrameDeliveries> frameDeliveries = ThreadLocal
		.withInitial(() -> new FrameDeliveries(this::accepted));

	private volatile ThreadDeliveries lastDeliveries = new ThreadDeliveries(null, null);

	private final Function<String, FrameDeliveries.TopicRoute> router = this::route;

	private final long deliveryTimeoutNanos;

	private final LongAdder published = new LongAdder();

	private final LongAdder received = new LongAdder();

	private final LongAdder duplicates = new LongAdder();

	private final LongAdder relayed = new LongAdder();

	private final LongAdder rejectedIds = new LongAdder();

	private final FileTransfers files;

	/**
	 * A streamer with default settings and the default codec (bytes, text, JSON).
	 * @param node the node to run on
	 */
	public ChaskiStreamer(ChaskiNode node) {
		this(node, StreamerSettings.DEFAULTS, new DefaultPayloadCodec());
	}

	/**
	 * @param node the node to run on
	 * @param settings hop limit, duplicate filter and buffer sizes
	 * @param codec turns payloads into bytes and back
	 */
	public ChaskiStreamer(ChaskiNode node, StreamerSettings settings, PayloadCodec codec) {
		this(node, settings, codec, FileSettings.DEFAULTS);
	}

	/**
	 * @param node the node to run on
	 * @param settings hop limit, duplicate filter and buffer sizes
	 * @param codec turns payloads into bytes and back
	 * @param fileSettings how files are sent and whether and where they are received
	 */
	public ChaskiStreamer(ChaskiNode node, StreamerSettings settings, PayloadCodec codec, FileSettings fileSettings) {
		this.files = new FileTransfers(node, fileSettings);
		this.node = node;
		this.settings = settings;
		this.codec = codec;
		this.deliveryTimeoutNanos = settings.deliveryTimeout().toNanos();
		this.pool = new MessagePool(settings.poolOrigins(), settings.poolSize(), settings.poolTtl());
		node.registerHandler(EnvelopeKind.PUBLISH, new EnvelopeHandler() {

			@Override
			public void handle(Edge from, Envelope envelope) {
				onPublish(from, envelope);
			}

			@Override
			public void endOfFrame() {
				frameDeliveries().flush(ChaskiStreamer.this::deliverBatch);
			}

		});
	}

	/** @return the node this streamer runs on */
	public ChaskiNode node() {
		return this.node;
	}

	/** @return the settings this streamer runs with (hop limit, duplicate filter, buffer sizes) */
	public StreamerSettings settings() {
		return this.settings;
	}

	/** @return the codec for payloads */
	public PayloadCodec codec() {
		return this.codec;
	}

	/** @return file transfer: received-file listeners, counters, transfers in progress */
	public FileTransfers files() {
		return this.files;
	}

	/**
	 * Sends a file to the subscribers of a topic linked to this node (docs/files.md).
	 * @param topic the topic
	 * @param path the file
	 * @return per receiving node, whether it stored the file and why not
	 */
	public CompletableFuture<FileTransferResult> pushFile(String topic, Path path) {
		return this.files.push(topic, path, Map.of());
	}

	/**
	 * Sends a file with metadata to the subscribers of a topic linked to this node (docs/files.md).
	 * @param topic the topic
	 * @param path the file
	 * @param metadata strings that travel with it (at most 64 entries of 1 KiB)
	 * @return per receiving node, whether it stored the file and why not
	 */
	public CompletableFuture<FileTransferResult> pushFile(String topic, Path path, Map<String, String> metadata) {
		return this.files.push(topic, path, metadata);
	}

	/** @param observer told about traffic, for metrics */
	public void addObserver(StreamerObserver observer) {
		this.observers.add(observer);
	}

	/**
	 * Publishes a message with the default hop limit. When it returns, the message is on the outbound queue of
	 * every peer in the topic and has been handed to this node's own subscribers; when it throws
	 * {@link ChaskiOverflowException}, nobody got it.
	 * @param topic the topic
	 * @param payload {@code byte[]}, a String, or any object Jackson can write
	 * @return the message id
	 * @throws ChaskiOverflowException if a peer's queue is full under {@link OverflowPolicy#FAIL}, or stayed
	 * full for the send timeout under {@link OverflowPolicy#WAIT}
	 * @throws IllegalArgumentException if the message is larger than the maximum frame
	 */
	public long publish(String topic, Object payload) {
		return publish(topic, payload, this.settings.hopLimit());
	}

	/**
	 * Publishes a message that travels at most {@code hopLimit} hops (1 = direct peers only).
	 * @param topic the topic
	 * @param payload {@code byte[]}, a String, or any object Jackson can write
	 * @param hopLimit 1..255
	 * @return the message id
	 * @throws ChaskiOverflowException as {@link #publish(String, Object)}
	 */
	public long publish(String topic, Object payload, int hopLimit) {
		if (topic == null || topic != this.lastTopic) {
			if (topic == null || topic.isBlank()) {
				throw new IllegalArgumentException("topic must not be blank");
			}
			this.lastTopic = topic;
		}
		if (payload == null) {
			throw new IllegalArgumentException("payload must not be null");
		}
		EncodedPayload encoded = this.codec.encode(payload);
		Envelope envelope = new Envelope(EnvelopeKind.PUBLISH, this.node.id(), this.node.nextMessageId(), hopLimit,
				System.currentTimeMillis(), topic, headers(encoded.contentType()), encoded.bytes());
		this.node.checkFits(envelope);
		this.node.publishing(topic);
		sendToPeers(envelope);
		this.published.increment();
		for (int i = 0; i < this.observers.size(); i++) {
			this.observers.get(i).published(topic, encoded.bytes().length);
		}
		// after the peers took it, so that a publish that throws has delivered nothing anywhere
		deliverLocally(envelope);
		return envelope.id();
	}

	/**
	 * Subscribes to a topic, with payloads as their natural type ({@code byte[]}, String, or JSON as maps and
	 * lists). The node joins the topic while at least one subscription is open.
	 * @param topic the topic
	 * @return the subscription; close it to stop
	 */
	public ChaskiSubscription<Object> subscribe(String topic) {
		return subscribe(topic, Object.class);
	}

	/**
	 * Subscribes to a topic with payloads converted to a type, under the default delivery policy of the settings.
	 * @param topic the topic
	 * @param payloadType the type (a Class or a parameterized type)
	 * @param <T> the payload type
	 * @return the subscription; close it to stop
	 */
	public <T> ChaskiSubscription<T> subscribe(String topic, Type payloadType) {
		return subscribe(topic, payloadType, this.settings.deliveryPolicy());
	}

	/**
	 * Subscribes to a topic with payloads converted to a type and a delivery policy of its own.
	 * @param topic the topic
	 * @param payloadType the type (a Class or a parameterized type); {@link Envelope} hands messages over
	 * undecoded
	 * @param policy what happens when this subscription's reader falls behind
	 * @param <T> the payload type
	 * @return the subscription; close it to stop
	 */
	public <T> ChaskiSubscription<T> subscribe(String topic, Type payloadType, DeliveryPolicy policy) {
		if (topic == null || topic.isBlank()) {
			throw new IllegalArgumentException("topic must not be blank");
		}
		ChaskiSubscription<T> subscription = new ChaskiSubscription<>(topic, payloadType, this.codec, buffer(policy),
				this::unsubscribe);
		this.byTopic.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(subscription);
		this.node.subscribe(topic);
		return subscription;
	}

	/**
	 * Receives every message this node accepts, on every topic it takes part in, without joining any topic.
	 * @param payloadType the payload type
	 * @param <T> the payload type
	 * @return the subscription; close it to stop
	 */
	public <T> ChaskiSubscription<T> subscribeAll(Type payloadType) {
		return subscribeAll(payloadType, this.settings.deliveryPolicy());
	}

	/**
	 * Receives every message this node accepts, with a delivery policy of its own.
	 * @param payloadType the payload type; {@link Envelope} hands messages over undecoded
	 * @param policy what happens when this subscription's reader falls behind
	 * @param <T> the payload type
	 * @return the subscription; close it to stop
	 */
	public <T> ChaskiSubscription<T> subscribeAll(Type payloadType, DeliveryPolicy policy) {
		ChaskiSubscription<T> subscription = new ChaskiSubscription<>(null, payloadType, this.codec, buffer(policy),
				this::unsubscribe);
		this.everyTopic.add(subscription);
		return subscription;
	}

	private SubscriptionBuffer buffer(DeliveryPolicy policy) {
		if (policy == null) {
			throw new IllegalArgumentException("policy must not be null");
		}
		return new SubscriptionBuffer(this.settings.subscriberQueueCapacity(), policy,
				this.settings.deliveryTimeout());
	}

	private void unsubscribe(ChaskiSubscription<?> subscription) {
		if (subscription.topic() == null) {
			this.everyTopic.remove(subscription);
			return;
		}
		List<ChaskiSubscription<?>> list = this.byTopic.get(subscription.topic());
		if (list != null && list.remove(subscription) && list.isEmpty()
				&& !this.node.settings().subscriptions().contains(subscription.topic())) {
			this.node.unsubscribe(subscription.topic());
		}
	}

	/** @return counters for metrics and the actuator endpoint */
	public StreamerStats stats() {
		List<ChaskiSubscription<?>> all = new ArrayList<>(this.everyTopic);
		this.byTopic.values().forEach(all::addAll);
		long backlog = 0;
		long subscriberDrops = 0;
		for (ChaskiSubscription<?> subscription : all) {
			backlog += subscription.backlog();
			subscriberDrops += subscription.droppedCount();
		}
		return new StreamerStats(this.published.sum(), this.received.sum(), this.duplicates.sum(), this.relayed.sum(),
				this.rejectedIds.sum(), this.pool.size(), backlog, subscriberDrops);
	}

	/** Closes every subscription (waking their readers) and fails file transfers. The node is left running. */
	@Override
	public void close() {
		this.files.close();
		this.byTopic.values().forEach(list -> List.copyOf(list).forEach(ChaskiSubscription::close));
		List.copyOf(this.everyTopic).forEach(ChaskiSubscription::close);
	}

	private void onPublish(Edge from, Envelope envelope) {
		String topic = envelope.topic();
		// this node's own messages coming back around a cycle are duplicates without asking the pool
		MessagePool.Sighting sighting = envelope.origin().equals(this.node.id()) ? MessagePool.Sighting.SEEN
				: this.pool.sight(envelope.origin(), envelope.id());
		if (sighting == MessagePool.Sighting.IMPLAUSIBLE) {
			this.rejectedIds.increment();
			this.observers.forEach(observer -> observer.dropped(topic, "rejected-id"));
			dropLog.warn("rejected-id", "Node {}: dropped message {} on '{}' from {} (origin {}): an id its origin "
					+ "cannot have produced yet", this.node.name(), envelope.id(), LogSafe.of(topic), from, envelope.origin());
			return;
		}
		if (sighting == MessagePool.Sighting.SEEN) {
			this.duplicates.increment();
			this.observers.forEach(observer -> observer.dropped(topic, "duplicate"));
			return;
		}
		if (sighting == MessagePool.Sighting.TOO_OLD) {
			tooOld(from, envelope);
			return;
		}
		FrameDeliveries deliveries = frameDeliveries();
		FrameDeliveries.TopicRoute route = deliveries.route(topic, this.router);
		if (!route.member()) {
			this.observers.forEach(observer -> observer.dropped(topic, "not-subscribed"));
			return;
		}
		deliveries.accept(envelope.payload().length);
		if (route.subscriptions() != null) {
			for (ChaskiSubscription<?> subscription : route.subscriptions()) {
				deliveries.add(subscription, envelope);
			}
		}
		if (!this.everyTopic.isEmpty()) {
			for (ChaskiSubscription<?> subscription : this.everyTopic) {
				deliveries.add(subscription, envelope);
			}
		}
		if (envelope.hopsLeft() > 1) {
			relay(envelope, from);
		}
	}

	/** Counts received messages a frame brought, once per frame and topic. */
	private void accepted(String topic, int messages, long payloadBytes) {
		this.received.add(messages);
		// indexed, not an iterator: observers are only ever added
		for (int i = 0; i < this.observers.size(); i++) {
			this.observers.get(i).received(topic, messages, payloadBytes);
		}
	}

	/**
	 * A message older than its origin's duplicate window: it cannot be told from a copy, so it is dropped; counted
	 * as a duplicate with its own reason, and logged, since it may be a message nobody else delivered.
	 */
	private void tooOld(Edge from, Envelope envelope) {
		this.duplicates.increment();
		this.observers.forEach(observer -> observer.dropped(envelope.topic(), "too-old"));
		dropLog.warn("too-old", "Node {}: dropped message {} on '{}' from {} (origin {}): older than the last {} ids of "
				+ "its origin (chaski.streamer.pool.size), it may be a duplicate or a message overtaken", this.node.name(),
				envelope.id(), LogSafe.of(envelope.topic()), from, envelope.origin(), this.settings.poolSize());
	}

	/** Forwards a received message with one hop less; the copy is made only if some peer takes it. */
	private void relay(Envelope envelope, Edge from) {
		Envelope next = null;
		List<Edge> edges = this.node.edges();
		for (int i = 0; i < edges.size(); i++) {
			Edge edge = edges.get(i);
			if (edge == from || !edge.wants(envelope.topic()) || edge.nodeId().equals(envelope.origin())) {
				continue;
			}
			if (next == null) {
				next = envelope.withHopsLeft(envelope.hopsLeft() - 1);
			}
			// a relay is a delivery like any other: the inbound link waits for it as long as for a reader
			if (edge.offerRelay(next, this.deliveryTimeoutNanos)) {
				this.relayed.increment();
			}
			else {
				countQueueFull(envelope.topic());
				dropLog.warn("relay-full", "Node {}: dropped a message on '{}' relayed to {}: its queue stayed full",
						this.node.name(), LogSafe.of(envelope.topic()), LogSafe.of(edge.toString()));
			}
		}
	}

	/** Hands a message this node published to its own subscribers (their policy may make this wait). */
	private void deliverLocally(Envelope envelope) {
		List<ChaskiSubscription<?>> subscriptions = this.byTopic.isEmpty() ? null : this.byTopic.get(envelope.topic());
		if (subscriptions != null) {
			for (ChaskiSubscription<?> subscription : subscriptions) {
				countSubscriberDrops(subscription, envelope.topic(), subscription.deliver(envelope));
			}
		}
		if (!this.everyTopic.isEmpty()) { // no iterator per publish for the usual empty list
			for (ChaskiSubscription<?> subscription : this.everyTopic) {
				countSubscriberDrops(subscription, envelope.topic(), subscription.deliver(envelope));
			}
		}
	}

	private void deliverBatch(ChaskiSubscription<?> subscription, Envelope[] batch, int count) {
		countSubscriberDrops(subscription, batch[0].topic(), subscription.deliverAll(batch, count));
	}

	/** Whether this node takes a topic and its subscriptions, looked up once per frame and topic. */
	private FrameDeliveries.TopicRoute route(String topic) {
		return new FrameDeliveries.TopicRoute(this.node.isMember(topic), this.byTopic.get(topic));
	}

	/**
	 * The calling I/O thread's collector. The thread that asked last is remembered in front of the
	 * {@link ThreadLocal}: that lookup, once per received message, was a tenth of a reader's samples.
	 */
	private FrameDeliveries frameDeliveries() {
		ThreadDeliveries last = this.lastDeliveries;
		Thread current = Thread.currentThread();
		if (last.thread() == current) {
			return last.deliveries();
		}
		FrameDeliveries deliveries = this.frameDeliveries.get();
		this.lastDeliveries = new ThreadDeliveries(current, deliveries);
		return deliveries;
	}

	/** A thread and its collector: replaced as a whole, so a reader never sees another thread's collector. */
	private record ThreadDeliveries(Thread thread, FrameDeliveries deliveries) {

	}

	private void countSubscriberDrops(ChaskiSubscription<?> subscription, String topic, int drops) {
		if (drops == 0) {
			return;
		}
		String reason = subscription.deliveryPolicy().dropReason();
		for (int i = 0; i < drops; i++) {
			this.observers.forEach(observer -> observer.dropped(topic, reason));
		}
		dropLog.warn(reason, "Node {}: a subscription on '{}' dropped {} message(s) ({}): its reader is behind",
				this.node.name(), LogSafe.of(topic), drops, reason);
	}

	/**
	 * Queues a message this node publishes for every peer in its topic, all or none: with several peers it
	 * holds a place on every queue first (waiting as the overflow policy says, all of them together at most the
	 * send timeout) and queues the message only once every peer has one.
	 * @throws ChaskiOverflowException if a peer refused it under {@link OverflowPolicy#WAIT} or
	 * {@link OverflowPolicy#FAIL}; then no peer got it
	 */
	private void sendToPeers(Envelope envelope) {
		if (!offerToPeers(envelope)) {
			awaitLink(envelope);
		}
	}

	/**
	 * No link takes the topic yet (the node just started, or publishes to a topic it does not subscribe to): with
	 * membership, the node links to a member that takes it and the message waits for that link, at most the send
	 * timeout. No member known to take it: only local subscribers get it. No link in time: dropped, counted.
	 */
	private void awaitLink(Envelope envelope) {
		Route route = this.node.awaitRoute(envelope.topic(), this.node.settings().sendTimeout());
		if (route == Route.NONE || (route == Route.LINKED && offerToPeers(envelope))) {
			return;
		}
		this.observers.forEach(observer -> observer.dropped(envelope.topic(), "no-route"));
		dropLog.warn("no-route", "Node {}: dropped a message on '{}': members take the topic but no link to one "
				+ "came up within {}", this.node.name(), LogSafe.of(envelope.topic()), this.node.settings().sendTimeout());
	}

	/** @return whether some peer takes the topic (then the message is queued for them, or refused) */
	private boolean offerToPeers(Envelope envelope) {
		List<Edge> edges = this.node.edges();
		String topic = envelope.topic();
		int first = -1;
		int targets = 0;
		for (int i = 0; i < edges.size(); i++) {
			if (edges.get(i).wants(topic)) {
				first = (first < 0) ? i : first;
				targets++;
			}
		}
		if (targets == 1) {
			// the common case: one queue, one lock, all or nothing by itself
			Edge edge = edges.get(first);
			if (!edge.offer(envelope)) {
				refused(envelope, edge);
			}
		}
		else if (targets > 1) {
			sendToAll(envelope, edges);
		}
		return targets > 0;
	}

	private void sendToAll(Envelope envelope, List<Edge> edges) {
		List<Edge> held = new ArrayList<>();
		long remaining = this.node.settings().sendTimeout().toNanos();
		for (int i = 0; i < edges.size(); i++) {
			Edge edge = edges.get(i);
			if (!edge.wants(envelope.topic())) {
				continue;
			}
			remaining = edge.reserve(Math.max(0, remaining));
			if (remaining >= 0) {
				held.add(edge);
			}
			else if (this.node.settings().overflowPolicy() != OverflowPolicy.DROP_OLDEST) {
				held.forEach(Edge::release);
				refused(envelope, edge);
			}
			else {
				countQueueFull(envelope.topic()); // drop-oldest publishes to the peers that can take it
				remaining = 0;
			}
		}
		held.forEach(edge -> edge.commit(envelope));
	}

	/**
	 * A peer refused a message this node publishes: counted, and thrown unless the policy drops. A peer whose
	 * edge closed meanwhile is no longer a current peer: missing it is not a failure of the publish.
	 */
	private void refused(Envelope envelope, Edge edge) {
		if (edge.isClosed()) {
			return;
		}
		countQueueFull(envelope.topic());
		OverflowPolicy policy = this.node.settings().overflowPolicy();
		if (policy != OverflowPolicy.DROP_OLDEST) {
			String how = (policy == OverflowPolicy.WAIT) ? "stayed full for " + this.node.settings().sendTimeout()
					: "was full";
			throw new ChaskiOverflowException("message " + envelope.id() + " on '" + envelope.topic()
					+ "' was not published: the full outbound queue of " + edge + " " + how + " (policy " + policy
					+ "); no peer and no local subscriber got it");
		}
	}

	private void countQueueFull(String topic) {
		this.observers.forEach(observer -> observer.dropped(topic, "queue-full"));
	}

	private Map<String, String> headers(String contentType) {
		if (contentType == null) {
			return Map.of();
		}
		return this.headersByContentType.computeIfAbsent(contentType, type -> Map.of(Envelope.CONTENT_TYPE, type));
	}

}
