package io.chaski.membership;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The timer of one suspected member (Lifeguard): it starts at the longest timeout and shrinks towards the
 * shortest as other members independently confirm the suspicion, so a member that only one node cannot reach
 * gets time to refute, while one that everyone misses is declared dead quickly.
 */
final class Suspicion {

	private final long start;

	private final long min;

	private final long max;

	private final int expected;

	private final Set<UUID> confirmations = new HashSet<>();

	/**
	 * @param start when the suspicion started (nanoseconds)
	 * @param min shortest timeout
	 * @param max longest timeout
	 * @param expected confirmations after which the shortest applies; 0 applies it at once
	 * @param from who raised the suspicion (does not count as a confirmation)
	 */
	Suspicion(long start, long min, long max, int expected, UUID from) {
		this.start = start;
		this.min = min;
		this.max = (expected < 1) ? min : max;
		this.expected = expected;
		this.confirmations.add(from);
	}

	/**
	 * @param from a member that suspects the same member independently
	 * @return whether it was a new confirmation
	 */
	boolean confirm(UUID from) {
		return this.confirmations.size() <= this.expected && this.confirmations.add(from);
	}

	/** @return when the suspect is declared dead (nanoseconds) */
	long deadline() {
		int confirmed = this.confirmations.size() - 1;
		if (this.expected < 1 || confirmed <= 0) {
			return this.start + this.max;
		}
		double fraction = Math.log(confirmed + 1.0) / Math.log(this.expected + 1.0);
		long timeout = this.max - (long) (fraction * (this.max - this.min));
		return this.start + Math.max(this.min, timeout);
	}

}
