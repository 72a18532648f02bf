package io.chaski.annotation;

import io.chaski.support.LogSafe;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.ChaskiSubscription;
import io.chaski.streamer.DeliveryPolicy;

/**
 * Runs one listener: a subscription per topic (bounded; its {@link DeliveryPolicy} decides whether a listener
 * that falls behind slows the link down or loses messages, counted) and {@code concurrency} threads per
 * subscription that hand each message to a {@link MessageHandler}. A failing handler is logged and counted; its
 * thread goes on with the next message.
 */
public final class ListenerContainer {

	private static final Logger log = LoggerFactory.getLogger(ListenerContainer.class);

	/** How long a thread waits for messages at a time before it checks whether the listener was stopped. */
	private static final Duration DRAIN_WAIT = Duration.ofSeconds(1);

	private final String id;

	private final List<String> topics;

	private final Type payloadType;

	private final int concurrency;

	private final MessageHandler handler;

	private final DeliveryPolicy deliveryPolicy;

	/** The policy in use once subscribed: the listener's own, or the registry's default. */
	private volatile DeliveryPolicy effectivePolicy;

	private final LongAdder handled = new LongAdder();

	private final LongAdder errors = new LongAdder();

	private final List<ChaskiSubscription<Object>> subscriptions = new ArrayList<>();

	private final List<Thread> workers = new ArrayList<>();

	/**
	 * @param id the listener's id, for logs, metrics and thread names
	 * @param topics the topics; empty means every message this node accepts (without joining any topic)
	 * @param payloadType the type payloads are converted to
	 * @param concurrency threads per topic, at least 1
	 * @param handler what to do with each message
	 */
	public ListenerContainer(String id, Collection<String> topics, Type payloadType, int concurrency,
			MessageHandler handler) {
		this(id, topics, payloadType, concurrency, null, handler);
	}

	/**
	 * @param id the listener's id, for logs, metrics and thread names
	 * @param topics the topics; empty means every message this node accepts (without joining any topic)
	 * @param payloadType the type payloads are converted to
	 * @param concurrency threads per topic, at least 1
	 * @param deliveryPolicy what happens when the listener falls behind; {@code null} for the registry's default
	 * @param handler what to do with each message
	 */
	public ListenerContainer(String id, Collection<String> topics, Type payloadType, int concurrency,
			DeliveryPolicy deliveryPolicy, MessageHandler handler) {
		if (concurrency < 1) {
			throw new IllegalArgumentException("concurrency of listener " + id + " must be at least 1 but was "
					+ concurrency);
		}
		this.id = id;
		this.topics = List.copyOf(topics);
		this.payloadType = payloadType;
		this.concurrency = concurrency;
		this.deliveryPolicy = deliveryPolicy;
		this.effectivePolicy = deliveryPolicy;
		this.handler = handler;
	}

	/** @return the listener's id */
	public String id() {
		return this.id;
	}

	/** @return its topics; empty for every topic */
	public List<String> topics() {
		return this.topics;
	}

	/** @return threads per topic */
	public int concurrency() {
		return this.concurrency;
	}

	/** @return what happens when the listener falls behind; {@code null} until registered if it uses the default */
	public DeliveryPolicy deliveryPolicy() {
		return this.effectivePolicy;
	}

	/** @return messages handled without an exception */
	public long handledCount() {
		return this.handled.sum();
	}

	/** @return messages whose handler threw */
	public long errorCount() {
		return this.errors.sum();
	}

	/** @return messages waiting in this listener's buffers */
	public synchronized long backlog() {
		return this.subscriptions.stream().mapToLong(ChaskiSubscription::backlog).sum();
	}

	/** @return messages dropped because this listener fell behind */
	public synchronized long droppedCount() {
		return this.subscriptions.stream().mapToLong(ChaskiSubscription::droppedCount).sum();
	}

	/**
	 * Subscribes (the node joins the topics), unless already subscribed. Messages are buffered until
	 * {@link #start}.
	 * @param streamer the streamer to subscribe to
	 * @param defaultPolicy the delivery policy unless the listener has its own
	 */
	synchronized void open(ChaskiStreamer streamer, DeliveryPolicy defaultPolicy) {
		if (!this.subscriptions.isEmpty()) {
			return;
		}
		DeliveryPolicy policy = (this.deliveryPolicy != null) ? this.deliveryPolicy : defaultPolicy;
		this.effectivePolicy = policy;
		if (this.topics.isEmpty()) {
			this.subscriptions.add(streamer.subscribeAll(this.payloadType, policy));
		}
		for (String topic : this.topics) {
			this.subscriptions.add(streamer.subscribe(topic, this.payloadType, policy));
		}
	}

	/**
	 * Subscribes if needed and starts the threads.
	 * @param streamer the streamer to subscribe to
	 * @param defaultPolicy the delivery policy unless the listener has its own
	 */
	synchronized void start(ChaskiStreamer streamer, DeliveryPolicy defaultPolicy) {
		if (!this.workers.isEmpty()) {
			return;
		}
		open(streamer, defaultPolicy);
		for (ChaskiSubscription<Object> subscription : this.subscriptions) {
			for (int i = 0; i < this.concurrency; i++) {
				String name = "chaski-listener-" + this.id + "-" + (this.workers.size() + 1);
				Thread worker = new Thread(() -> drain(subscription), name);
				worker.setDaemon(true);
				this.workers.add(worker);
				worker.start();
			}
		}
	}

	/**
	 * Closes the subscriptions (which wakes the threads), waits for messages in progress to finish, then
	 * interrupts threads still busy.
	 * @param timeout how long to wait for the threads
	 */
	synchronized void stop(Duration timeout) {
		this.subscriptions.forEach(ChaskiSubscription::close);
		this.subscriptions.clear();
		long deadline = System.nanoTime() + timeout.toNanos();
		for (Thread worker : this.workers) {
			try {
				TimeUnit.NANOSECONDS.timedJoin(worker, Math.max(1, deadline - System.nanoTime()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (worker.isAlive()) {
				log.warn("Chaski listener {} still busy after {}; interrupting {}", this.id, timeout, worker.getName());
				worker.interrupt();
			}
		}
		this.workers.clear();
	}

	/** Hands the messages over a batch at a time (one lock per batch, not per message) until the close. */
	private void drain(ChaskiSubscription<Object> subscription) {
		Consumer<ChaskiMessage<Object>> invoke = this::invoke;
		try {
			while (!subscription.isClosed()) {
				subscription.drain(invoke, DRAIN_WAIT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt(); // interrupted by stop: the thread ends
		}
	}

	private void invoke(ChaskiMessage<Object> message) {
		try {
			this.handler.handle(message);
			this.handled.increment();
		}
		catch (VirtualMachineError ex) {
			throw ex;
		}
		catch (Throwable ex) {
			this.errors.increment();
			log.error("Chaski listener {} failed on message {} from {} on '{}'", this.id, message.id(),
					message.origin(), LogSafe.of(message.topic()), ex);
		}
	}

	@Override
	public String toString() {
		return "ListenerContainer[" + this.id + " " + (this.topics.isEmpty() ? "*" : this.topics) + " x"
				+ this.concurrency + "]";
	}

}
