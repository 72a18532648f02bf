package io.chaski.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A ping waiting for its pong.
 *
 * @param sentNanos when it was sent ({@link System#nanoTime()})
 * @param answer completed with the one-way latency; {@code null} for keep-alive pings
 * @param recordLatency whether the answer feeds the edge's latency estimate (not for padded pings)
 */
record PendingPing(long sentNanos, CompletableFuture<Duration> answer, boolean recordLatency) {

	void abandon() {
		if (this.answer != null) {
			this.answer.completeExceptionally(new IllegalStateException("connection closed before the pong"));
		}
	}

}
