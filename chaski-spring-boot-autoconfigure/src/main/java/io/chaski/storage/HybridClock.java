package io.chaski.storage;

import java.time.Clock;
import java.time.Duration;

/**
 * A hybrid logical clock: timestamps that follow the wall clock, never go backwards, and are later than every
 * timestamp this node has seen from its peers, so that "last writer wins" orders writes the same way on every
 * node. A timestamp is one {@code long}: wall-clock milliseconds shifted left by {@value #LOGICAL_BITS} bits,
 * plus a logical counter for events within one millisecond (a counter that overflows carries into the
 * milliseconds, which only moves this clock a little ahead).
 * <p>
 * A peer's timestamp more than {@code maxSkew} ahead of this node's wall clock is refused, not clamped: taking it
 * would drag this clock (and every later write here) into the future, and clamping would change its order
 * against other writes differently on each node. A refused write comes back by anti-entropy once the wall
 * clock has caught up with it. Thread-safe.
 */
final class HybridClock {

	/** Bits of the logical counter below the milliseconds. */
	static final int LOGICAL_BITS = 16;

	private final Clock clock;

	private final long maxSkewMillis;

	private long last;

	/**
	 * @param clock the wall clock
	 * @param maxSkew how far ahead of the wall clock a peer's timestamp may be
	 */
	HybridClock(Clock clock, Duration maxSkew) {
		this.clock = clock;
		this.maxSkewMillis = maxSkew.toMillis();
	}

	/** @return a timestamp later than any this clock handed out or witnessed */
	synchronized long now() {
		this.last = Math.max(this.last + 1, this.clock.millis() << LOGICAL_BITS);
		return this.last;
	}

	/**
	 * Takes a timestamp from a peer (or from the file at start), so later local timestamps come after it.
	 * @param timestamp the timestamp
	 * @return whether it was accepted: false when it is negative or too far in the future (the clock is unchanged)
	 */
	synchronized boolean witness(long timestamp) {
		if (!acceptable(timestamp)) {
			return false;
		}
		this.last = Math.max(this.last, timestamp);
		return true;
	}

	/**
	 * Starts after the latest timestamp of the file, even when the wall clock went back between two runs.
	 * @param timestamp the latest timestamp stored
	 */
	synchronized void resumeAfter(long timestamp) {
		this.last = Math.max(this.last, timestamp);
	}

	/**
	 * @param timestamp a peer's timestamp
	 * @return whether it is not negative and at most the allowed skew ahead of the wall clock
	 */
	boolean acceptable(long timestamp) {
		return timestamp >= 0 && physicalMillis(timestamp) - this.clock.millis() <= this.maxSkewMillis;
	}

	/** @return the wall clock, in epoch milliseconds */
	long wallMillis() {
		return this.clock.millis();
	}

	/**
	 * @param timestamp a timestamp of this clock
	 * @return its wall-clock part, epoch milliseconds
	 */
	static long physicalMillis(long timestamp) {
		return timestamp >>> LOGICAL_BITS;
	}

}
