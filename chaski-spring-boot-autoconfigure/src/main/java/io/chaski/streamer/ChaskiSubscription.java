package io.chaski.streamer;

import io.chaski.support.LogSafe;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.PayloadCodec;
import io.chaski.wire.PayloadCodecException;

/**
 * Messages of one topic (or of all topics) for one reader, in a bounded buffer whose {@link DeliveryPolicy}
 * decides what happens when the reader falls behind: under {@link DeliveryPolicy#WAIT} (the default) the node
 * waits, bounded, which slows the link and the publishers on it down to the reader's pace; the drop policies
 * drop and count instead, and never hold anyone up. Read it blocking with {@link #poll(Duration)} or
 * {@link #iterator()}, or reactively as a {@link Flow.Publisher}. Payloads are decoded on the reader's thread,
 * not on I/O threads.
 *
 * @param <T> the payload type
 */
public final class ChaskiSubscription<T> implements AutoCloseable, Iterable<ChaskiMessage<T>>,
		Flow.Publisher<ChaskiMessage<T>> {

	private static final Logger log = LoggerFactory.getLogger(ChaskiSubscription.class);

	private static final Envelope CLOSED = Envelope.control(EnvelopeKind.BYE, new UUID(0, 0), -1, null);

	private static final int TAKE_BATCH = 256;

	/** How long the iterator waits at a time before it checks whether the subscription was closed. */
	private static final Duration ITERATOR_WAIT = Duration.ofSeconds(1);

	private final String topic;

	private final Type payloadType;

	private final PayloadCodec codec;

	private final SubscriptionBuffer buffer;

	/** Whether the payload type is {@link Envelope}: messages are handed over undecoded. */
	private final boolean raw;

	/**
	 * Messages a reader took from the buffer in one go, so readers lock the buffer once per batch: those in
	 * {@code taken[takenNext, takenCount)} are still to be read. Guarded by {@link #readLock}.
	 */
	private final Envelope[] taken = new Envelope[TAKE_BATCH];

	private int takenNext;

	private int takenCount;

	private final ReentrantLock readLock = new ReentrantLock();

	private final Consumer<ChaskiSubscription<T>> onClose;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final AtomicBoolean hasFlowSubscriber = new AtomicBoolean();

	private final LongAdder dropped = new LongAdder();

	private final LongAdder undecodable = new LongAdder();

	ChaskiSubscription(String topic, Type payloadType, PayloadCodec codec, SubscriptionBuffer buffer,
			Consumer<ChaskiSubscription<T>> onClose) {
		this.topic = topic;
		this.payloadType = payloadType;
		this.raw = payloadType == Envelope.class;
		this.codec = codec;
		this.buffer = buffer;
		this.onClose = onClose;
	}

	/** @return the topic, or {@code null} for a subscription to every topic */
	public String topic() {
		return this.topic;
	}

	/** @return what happens when this reader falls behind */
	public DeliveryPolicy deliveryPolicy() {
		return this.buffer.policy();
	}

	/** @return messages dropped because this reader fell behind (see {@link #deliveryPolicy()}) */
	public long droppedCount() {
		return this.dropped.sum();
	}

	/** @return messages skipped because their payload could not be read as the subscription's type */
	public long undecodableCount() {
		return this.undecodable.sum();
	}

	/** @return messages waiting to be read, including those a reader took in its current batch */
	public int backlog() {
		return this.buffer.size();
	}

	/** @return whether {@link #close()} was called */
	public boolean isClosed() {
		return this.closed.get();
	}

	/**
	 * Offers a message under the delivery policy (which may wait, bounded).
	 * @param envelope the message
	 * @return how many messages the policy dropped
	 */
	int deliver(Envelope envelope) {
		if (this.closed.get()) {
			return 0;
		}
		return countDrops(this.buffer.add(envelope));
	}

	/**
	 * Offers several messages at once (one frame's worth) under the delivery policy.
	 * @param envelopes the messages, oldest first, in {@code envelopes[0, count)}
	 * @param count how many
	 * @return how many messages the policy dropped
	 */
	int deliverAll(Envelope[] envelopes, int count) {
		if (this.closed.get()) {
			return 0;
		}
		return countDrops(this.buffer.addAll(envelopes, count));
	}

	private int countDrops(int drops) {
		if (drops > 0) {
			this.dropped.add(drops);
		}
		return drops;
	}

	/**
	 * Waits for the next message.
	 * @param timeout how long to wait
	 * @return the message, or {@code null} on timeout or once the subscription is closed
	 * @throws InterruptedException if the reader is interrupted
	 */
	public ChaskiMessage<T> poll(Duration timeout) throws InterruptedException {
		// the clock is read only after a message could not be decoded: a clock read costs as much as the rest
		// of a poll that finds a message waiting
		long remaining = timeout.toNanos();
		long deadline = 0;
		while (!this.closed.get()) {
			Envelope envelope = take(remaining);
			if (envelope == null || envelope == CLOSED) {
				return null;
			}
			ChaskiMessage<T> message = decode(envelope);
			if (message != null) {
				return message;
			}
			deadline = (deadline == 0) ? System.nanoTime() + remaining : deadline;
			remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				return null;
			}
		}
		return null;
	}

	/**
	 * Waits for messages and hands the ones waiting, up to a batch, to an action on the calling thread, in order.
	 * For a thread that does nothing but read: it locks once per batch where {@link #poll} locks per message.
	 * Stops early once the subscription is closed.
	 * @param action called with each message
	 * @param timeout how long to wait for the first message
	 * @return how many messages the action got; 0 on timeout or once the subscription is closed
	 * @throws InterruptedException if the reader is interrupted while waiting
	 */
	public int drain(Consumer<? super ChaskiMessage<T>> action, Duration timeout) throws InterruptedException {
		Envelope[] batch = new Envelope[TAKE_BATCH];
		int count = takeBatch(batch, timeout.toNanos());
		int handed = 0;
		for (int i = 0; i < count && !this.closed.get(); i++) {
			ChaskiMessage<T> message = decode(batch[i]);
			if (message != null) {
				action.accept(message);
				handed++;
			}
		}
		return handed;
	}

	/** Moves the messages a poll left behind, or else a batch from the buffer, into {@code into}. */
	private int takeBatch(Envelope[] into, long timeoutNanos) throws InterruptedException {
		if (!this.readLock.tryLock() && !this.readLock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
			return 0;
		}
		try {
			int count = this.takenCount - this.takenNext;
			if (count == 0) {
				count = this.buffer.takeInto(into, timeoutNanos);
				if (count > 0 && into[0] == CLOSED) {
					// the marker comes alone; it stays for every later reader
					this.taken[0] = CLOSED;
					this.takenNext = 0;
					this.takenCount = 1;
					return 0;
				}
				return count;
			}
			if (this.taken[this.takenNext] == CLOSED) {
				return 0;
			}
			System.arraycopy(this.taken, this.takenNext, into, 0, count);
			Arrays.fill(this.taken, this.takenNext, this.takenCount, null);
			this.takenNext = this.takenCount;
			return count;
		}
		finally {
			this.readLock.unlock();
		}
	}

	private Envelope take(long timeoutNanos) throws InterruptedException {
		if (!this.readLock.tryLock() && !this.readLock.tryLock(timeoutNanos, TimeUnit.NANOSECONDS)) {
			return null;
		}
		try {
			if (this.takenNext == this.takenCount) {
				this.takenNext = 0;
				this.takenCount = this.buffer.takeInto(this.taken, timeoutNanos);
				if (this.takenCount == 0) {
					return null;
				}
			}
			Envelope envelope = this.taken[this.takenNext];
			if (envelope != CLOSED) {
				// every later poll, by any reader, sees the close too: the marker stays where it is
				this.taken[this.takenNext++] = null;
			}
			return envelope;
		}
		finally {
			this.readLock.unlock();
		}
	}

	@SuppressWarnings("unchecked")
	private ChaskiMessage<T> decode(Envelope envelope) {
		try {
			T payload = this.raw ? (T) envelope
					: this.codec.decode(envelope.payload(), envelope.contentType(), this.payloadType);
			return new ChaskiMessage<>(envelope.topic(), payload, envelope.origin(), envelope.id(),
					Instant.ofEpochMilli(envelope.timestamp()));
		}
		catch (PayloadCodecException ex) {
			this.undecodable.increment();
			log.warn("Skipping message {} on '{}': {}", envelope.id(), LogSafe.of(envelope.topic()),
					LogSafe.of(ex.getMessage()));
			return null;
		}
	}

	/**
	 * A blocking iterator: {@code hasNext()} waits for the next message and returns {@code false} once the
	 * subscription is closed.
	 */
	@Override
	public Iterator<ChaskiMessage<T>> iterator() {
		return new Iterator<>() {

			private ChaskiMessage<T> next;

			@Override
			public boolean hasNext() {
				while (this.next == null && !isClosed()) {
					try {
						this.next = poll(ITERATOR_WAIT);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return false;
					}
				}
				return this.next != null;
			}

			@Override
			public ChaskiMessage<T> next() {
				if (!hasNext()) {
					throw new NoSuchElementException("subscription closed");
				}
				ChaskiMessage<T> result = this.next;
				this.next = null;
				return result;
			}

		};
	}

	/**
	 * Streams the messages to one {@link Flow.Subscriber}, honouring its demand, on a thread of its own.
	 * {@code onComplete} follows {@link #close()}.
	 */
	@Override
	public void subscribe(Flow.Subscriber<? super ChaskiMessage<T>> subscriber) {
		if (!this.hasFlowSubscriber.compareAndSet(false, true)) {
			subscriber.onSubscribe(new Flow.Subscription() {
				@Override
				public void request(long n) {
				}

				@Override
				public void cancel() {
				}
			});
			subscriber.onError(new IllegalStateException("a ChaskiSubscription accepts one Flow.Subscriber"));
			return;
		}
		FlowBridge<T> bridge = new FlowBridge<>(this, subscriber);
		Thread thread = new Thread(bridge, "chaski-flow-" + (this.topic != null ? this.topic : "all"));
		thread.setDaemon(true);
		bridge.start(thread);
	}

	/** Stops the subscription and wakes every waiting reader. Idempotent. */
	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.buffer.close(CLOSED); // wakes every waiting reader in turn, and producers waiting for room
			this.onClose.accept(this);
		}
	}

	@Override
	public String toString() {
		return "ChaskiSubscription[" + (this.topic != null ? this.topic : "*") + ", backlog " + backlog() + "]";
	}

}
