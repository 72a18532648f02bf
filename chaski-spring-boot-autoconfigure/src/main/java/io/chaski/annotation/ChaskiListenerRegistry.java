package io.chaski.annotation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.springframework.context.SmartLifecycle;

import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.DeliveryPolicy;

/**
 * Holds every listener of the application ({@code @ChaskiListener} methods, bound consumers, the message event
 * bridge) and starts and stops their threads with the application context: after the node starts, before it
 * stops.
 */
public class ChaskiListenerRegistry implements SmartLifecycle {

	/** Lifecycle phase of the listeners; the node runs in an earlier phase so it outlives them. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final ChaskiStreamer streamer;

	private final int defaultConcurrency;

	private final Duration shutdownTimeout;

	private final DeliveryPolicy defaultDeliveryPolicy;

	private final List<ListenerContainer> containers = new CopyOnWriteArrayList<>();

	private final List<Consumer<ListenerContainer>> registrationListeners = new CopyOnWriteArrayList<>();

	private volatile boolean running;

	/**
	 * @param streamer the streamer listeners subscribe to
	 * @param defaultConcurrency threads per topic for listeners that do not say
	 * @param shutdownTimeout how long stopping waits for listeners busy with a message
	 * @param defaultDeliveryPolicy what a listener that falls behind does, for listeners that do not say
	 */
	public ChaskiListenerRegistry(ChaskiStreamer streamer, int defaultConcurrency, Duration shutdownTimeout,
			DeliveryPolicy defaultDeliveryPolicy) {
		this.streamer = streamer;
		this.defaultConcurrency = defaultConcurrency;
		this.shutdownTimeout = shutdownTimeout;
		this.defaultDeliveryPolicy = defaultDeliveryPolicy;
	}

	/** @return the streamer listeners subscribe to */
	public ChaskiStreamer streamer() {
		return this.streamer;
	}

	/** @return threads per topic for listeners that do not say */
	public int defaultConcurrency() {
		return this.defaultConcurrency;
	}

	/**
	 * Adds a listener: it subscribes at once and runs while the registry runs.
	 * @param container the listener
	 * @throws IllegalStateException if a listener with the same id exists
	 */
	public synchronized void register(ListenerContainer container) {
		if (this.containers.stream().anyMatch(existing -> existing.id().equals(container.id()))) {
			throw new IllegalStateException("Duplicate Chaski listener id '" + container.id() + "'");
		}
		container.open(this.streamer, this.defaultDeliveryPolicy);
		this.containers.add(container);
		this.registrationListeners.forEach(listener -> listener.accept(container));
		if (this.running) {
			container.start(this.streamer, this.defaultDeliveryPolicy);
		}
	}

	/**
	 * @param listener called for every listener registered so far and every later one (e.g. to add metrics)
	 */
	public synchronized void onRegistration(Consumer<ListenerContainer> listener) {
		this.registrationListeners.add(listener);
		this.containers.forEach(listener);
	}

	/** @return the listeners */
	public List<ListenerContainer> containers() {
		return List.copyOf(this.containers);
	}

	@Override
	public synchronized void start() {
		this.containers.forEach(container -> container.start(this.streamer, this.defaultDeliveryPolicy));
		this.running = true;
	}

	/** Stops every listener; all of them together wait at most the shutdown timeout for messages in progress. */
	@Override
	public synchronized void stop() {
		this.running = false;
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
		this.containers.forEach(
				container -> container.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
