package io.chaski.node;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt n waits a random time between half and all of
 * {@code min(max, initial * 2^(n-1))}, so peers that lost each other at once do not retry in lockstep.
 */
final class Backoff {

	private final Duration initial;

	private final Duration max;

	Backoff(Duration initial, Duration max) {
		this.initial = initial;
		this.max = max;
	}

	/**
	 * @param attempt 1 for the first retry
	 * @return how long to wait before it
	 */
	Duration delayBefore(int attempt) {
		long ceiling = this.initial.toNanos() << Math.min(attempt - 1, 30);
		if (ceiling <= 0 || ceiling > this.max.toNanos()) {
			ceiling = this.max.toNanos();
		}
		long half = ceiling / 2;
		return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(half + 1));
	}

}
