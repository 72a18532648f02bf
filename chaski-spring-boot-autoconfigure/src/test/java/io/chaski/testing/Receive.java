package io.chaski.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.ChaskiSubscription;

/**
 * Reading subscriptions in tests.
 */
public final class Receive {

	private Receive() {
	}

	/**
	 * @param subscription the subscription
	 * @param count how many messages to wait for
	 * @param <T> payload type
	 * @return their payloads, in arrival order
	 * @throws AssertionError if fewer arrive within 10 s
	 */
	public static <T> List<T> payloads(ChaskiSubscription<T> subscription, int count) {
		List<T> out = new ArrayList<>();
		long deadline = System.nanoTime() + TestNodes.SETTLE.toNanos();
		while (out.size() < count) {
			ChaskiMessage<T> message = poll(subscription, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			if (message == null) {
				throw new AssertionError("expected " + count + " messages on " + subscription + " but got " + out);
			}
			out.add(message.payload());
		}
		return out;
	}

	/**
	 * Asserts that nothing (more) arrives for a while.
	 * @param subscription the subscription
	 * @param quiet how long to watch
	 */
	public static void nothing(ChaskiSubscription<?> subscription, Duration quiet) {
		ChaskiMessage<?> message = poll(subscription, quiet);
		if (message != null) {
			throw new AssertionError("expected nothing more on " + subscription + " but got " + message);
		}
	}

	/**
	 * @param subscription the subscription
	 * @param timeout how long to wait
	 * @param <T> payload type
	 * @return the next message, or null
	 */
	public static <T> ChaskiMessage<T> poll(ChaskiSubscription<T> subscription, Duration timeout) {
		try {
			return subscription.poll(timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted", ex);
		}
	}

}
