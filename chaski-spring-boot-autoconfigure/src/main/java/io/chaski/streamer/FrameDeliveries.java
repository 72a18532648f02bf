package io.chaski.streamer;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import io.chaski.wire.Envelope;

/**
 * The local deliveries of one received frame, grouped by subscription so that each subscription takes them
 * under one lock and copies them into its ring in bulk. It also remembers where the frame's last topic goes:
 * a frame mostly carries one topic, so the topic is looked up once per frame rather than per message, and the
 * messages accepted on it are counted here and reported once per run of the topic (metrics pay per frame, not per
 * message). One per I/O thread; the arrays are reused from frame to frame.
 */
final class FrameDeliveries {

	private static final int FIRST_BATCH = 64;

	private final Accepted accepted;

	private ChaskiSubscription<?>[] subscriptions = new ChaskiSubscription<?>[2];

	private Envelope[][] batches = new Envelope[2][];

	private int[] counts = new int[2];

	private int used;

	/** The topic looked up last in this frame (by identity: the decoder shares a topic's String) and its route. */
	private String routedTopic;

	private TopicRoute route;

	private int acceptedMessages;

	private long acceptedBytes;

	/**
	 * @param accepted told how many messages of each run of a topic this node accepted
	 */
	FrameDeliveries(Accepted accepted) {
		this.accepted = accepted;
	}

	/**
	 * @param topic a received message's topic
	 * @param lookup finds the route of a topic not looked up yet in this frame
	 * @return whether this node takes the topic, and its subscriptions
	 */
	TopicRoute route(String topic, Function<String, TopicRoute> lookup) {
		if (topic != this.routedTopic) {
			reportAccepted();
			this.route = lookup.apply(topic);
			this.routedTopic = topic;
		}
		return this.route;
	}

	/**
	 * Counts a message on the topic routed last as accepted by this node.
	 * @param payloadBytes its payload size
	 */
	void accept(int payloadBytes) {
		this.acceptedMessages++;
		this.acceptedBytes += payloadBytes;
	}

	private void reportAccepted() {
		if (this.acceptedMessages > 0) {
			this.accepted.accepted(this.routedTopic, this.acceptedMessages, this.acceptedBytes);
			this.acceptedMessages = 0;
			this.acceptedBytes = 0;
		}
	}

	void add(ChaskiSubscription<?> subscription, Envelope envelope) {
		int index = indexOf(subscription);
		Envelope[] batch = this.batches[index];
		int count = this.counts[index];
		if (count == batch.length) {
			batch = Arrays.copyOf(batch, 2 * count);
			this.batches[index] = batch;
		}
		batch[count] = envelope;
		this.counts[index] = count + 1;
	}

	private int indexOf(ChaskiSubscription<?> subscription) {
		for (int i = 0; i < this.used; i++) {
			if (this.subscriptions[i] == subscription) {
				return i;
			}
		}
		if (this.used == this.subscriptions.length) {
			int grown = 2 * this.used;
			this.subscriptions = Arrays.copyOf(this.subscriptions, grown);
			this.batches = Arrays.copyOf(this.batches, grown);
			this.counts = Arrays.copyOf(this.counts, grown);
		}
		if (this.batches[this.used] == null) {
			this.batches[this.used] = new Envelope[FIRST_BATCH];
		}
		this.subscriptions[this.used] = subscription;
		return this.used++;
	}

	/**
	 * Reports what was accepted, hands every batch to its subscription and empties this collector for the next
	 * frame.
	 * @param sink receives each subscription with its batch
	 */
	void flush(Sink sink) {
		try {
			reportAccepted();
			for (int i = 0; i < this.used; i++) {
				sink.deliver(this.subscriptions[i], this.batches[i], this.counts[i]);
			}
		}
		finally {
			// delivered or not, nothing of this frame stays for the next one
			for (int i = 0; i < this.used; i++) {
				Arrays.fill(this.batches[i], 0, this.counts[i], null);
				this.counts[i] = 0;
				this.subscriptions[i] = null;
			}
			this.used = 0;
			this.acceptedMessages = 0;
			this.acceptedBytes = 0;
			this.routedTopic = null;
			this.route = null;
		}
	}

	/** Where the counts of accepted messages go. */
	@FunctionalInterface
	interface Accepted {

		/**
		 * @param topic the topic
		 * @param messages how many messages on it this node accepted, in a row of one frame
		 * @param payloadBytes their payload bytes together
		 */
		void accepted(String topic, int messages, long payloadBytes);

	}

	/** Where {@link #flush} hands the batches. */
	@FunctionalInterface
	interface Sink {

		/**
		 * @param subscription the subscription
		 * @param batch its messages of the frame, oldest first, in {@code batch[0, count)}
		 * @param count how many
		 */
		void deliver(ChaskiSubscription<?> subscription, Envelope[] batch, int count);

	}

	/**
	 * Where messages on a topic go.
	 * @param member whether this node takes the topic at all
	 * @param subscriptions the topic's subscriptions, or {@code null} if it has none
	 */
	record TopicRoute(boolean member, List<ChaskiSubscription<?>> subscriptions) {

	}

}
