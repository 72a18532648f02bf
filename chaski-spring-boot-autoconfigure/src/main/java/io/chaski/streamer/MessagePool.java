package io.chaski.streamer;

import java.time.Duration;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Remembers which message ids were seen recently, so that a message arriving over two paths is delivered and
 * relayed once. Ids are per origin sequence numbers, so the pool keeps, per origin node, a sliding window of
 * the last {@code windowSize} ids as a bitmap (constant memory, no allocation per message). The windows live
 * in a Caffeine cache bounded by the number of origins and expiring after the pool's time to live, so the pool
 * is bounded in size and in age. An id older than its origin's window cannot be told from a duplicate: at-most-once
 * delivery drops it rather than risk delivering it twice, and says so ({@link Sighting#TOO_OLD}), because on one
 * ordered link per peer (docs/protocol.md 4.2) it means a message overtaken by a whole window, not a copy.
 */
final class MessagePool {

	/**
	 * How many messages may use the last window without going through the cache (which tracks its age).
	 * Counted rather than timed: reading the clock would cost as much as the rest of the check.
	 */
	private static final int RECENT_USES = 1024;

	/**
	 * Highest id accepted. A node numbers its envelopes 1, 2, 3, ... ({@code ChaskiNode.nextMessageId}); at ten
	 * million a second it would take 28 years to pass 2^53.
	 */
	static final long MAX_ID = (1L << 53) - 1;

	/** How far past its highest id an origin may jump at once, whatever the time: lost messages, a burst. */
	static final long JUMP_ALLOWANCE = 1L << 20;

	/** How fast an origin may create ids beyond the allowance: one per 100 ns, ten million a second. */
	static final long NANOS_PER_ID = 100;

	/** What the pool makes of an id. */
	enum Sighting {

		/** Not seen before: deliver and relay. */
		FIRST,
		/** Seen before: drop. */
		SEEN,
		/** Older than its origin's window: maybe seen, maybe not; drop, count and warn. */
		TOO_OLD,
		/** Outside 1..{@link #MAX_ID}, or further ahead than its origin could have counted: drop and count. */
		IMPLAUSIBLE

	}

	private final Cache<UUID, SeenWindow> windows;

	private final int windowSize;

	private volatile Recent recent;

	/**
	 * @param maxOrigins how many origin nodes are remembered at most
	 * @param windowSize how many recent ids are remembered per origin
	 * @param ttl how long an origin's window lives after its last message
	 */
	MessagePool(int maxOrigins, int windowSize, Duration ttl) {
		this.windowSize = windowSize;
		this.windows = Caffeine.newBuilder()
			.maximumSize(maxOrigins)
			.expireAfterAccess(ttl)
			.executor(Runnable::run)
			.build();
	}

	/**
	 * @param origin the publishing node
	 * @param id the message id
	 * @return whether the id is new, seen before, or one its origin cannot have produced
	 */
	Sighting sight(UUID origin, long id) {
		if (id < 1 || id > MAX_ID) {
			return Sighting.IMPLAUSIBLE; // checked before a window is made for the origin
		}
		return window(origin).sight(id);
	}

	private SeenWindow window(UUID origin) {
		Recent last = this.recent;
		if (last != null && last.origin.equals(origin) && last.uses++ < RECENT_USES) {
			return last.window;
		}
		SeenWindow window = this.windows.get(origin, key -> new SeenWindow(this.windowSize));
		this.recent = new Recent(origin, window);
		return window;
	}

	/** @return origins currently remembered (approximate) */
	long size() {
		return this.windows.estimatedSize();
	}

	/** The window used last; {@code uses} is a heuristic counter, racy increments are harmless. */
	private static final class Recent {

		final UUID origin;

		final SeenWindow window;

		int uses;

		Recent(UUID origin, SeenWindow window) {
			this.origin = origin;
			this.window = window;
		}

	}

	/**
	 * A bitmap of the ids in {@code (highest - size, highest]}. The work per id is bounded: ids are at most
	 * {@link #MAX_ID} (so differences cannot overflow) and advancing clears at most one pass over the bitmap.
	 * <p>
	 * An id too far ahead of the highest is refused rather than taken as the new highest: one forged PUBLISH
	 * with another node's origin and id 2^52 would otherwise move that origin's window past every id it will
	 * send for years, silencing it here. This only bounds how far a forger moves a window per unit of time,
	 * and not at all for an origin this pool does not know yet; only authenticating peers (the cluster
	 * secret) stops forgery.
	 */
	static final class SeenWindow {

		private final long[] bits;

		private final int size;

		/** 0 until the first id: valid ids start at 1. */
		private long highest;

		/** The highest id when the clock was last read, and that time: the allowance counts from there. */
		private long stampedHighest;

		private long stampedAtNanos;

		SeenWindow(int size) {
			this.size = Math.max(64, Integer.highestOneBit(size - 1) << 1);
			this.bits = new long[this.size / 64];
		}

		/** @param id an id in 1..{@link #MAX_ID} */
		synchronized Sighting sight(long id) {
			if (id > this.highest) {
				// the clock is read only for a first id or a jump past the fixed allowance (once per million
				// messages of a live origin): a clock read per message cost as much as the rest of the check
				if (this.highest == 0 || id - this.stampedHighest > JUMP_ALLOWANCE) {
					long now = System.nanoTime();
					if (this.highest != 0 && id - this.highest > allowance(now)) {
						return Sighting.IMPLAUSIBLE;
					}
					this.stampedHighest = id;
					this.stampedAtNanos = now;
				}
				if (id == this.highest + 1) {
					// the next id in order, most messages: its slot stood for an id that just left the window
					this.highest = id;
					int slot = (int) (id & (this.size - 1));
					this.bits[slot >>> 6] |= 1L << (slot & 63);
					return Sighting.FIRST;
				}
				advanceTo(id);
			}
			else if (id <= this.highest - this.size) {
				return Sighting.TOO_OLD;
			}
			int slot = (int) (id & (this.size - 1));
			long mask = 1L << (slot & 63);
			long word = this.bits[slot >>> 6];
			if ((word & mask) != 0) {
				return Sighting.SEEN;
			}
			this.bits[slot >>> 6] = word | mask;
			return Sighting.FIRST;
		}

		/**
		 * The largest jump ahead an honest origin can have made since the clock was last read; between reads
		 * the window moves at most {@link #JUMP_ALLOWANCE} without one.
		 */
		private long allowance(long now) {
			long elapsed = Math.max(0, now - this.stampedAtNanos);
			return JUMP_ALLOWANCE + Math.min(elapsed / NANOS_PER_ID, MAX_ID);
		}

		/** Clears the slots between the old and the new highest id, which now stand for newer ids. */
		private void advanceTo(long id) {
			if (id - this.highest >= this.size) {
				java.util.Arrays.fill(this.bits, 0L);
			}
			else {
				for (long cleared = this.highest + 1; cleared <= id; cleared++) {
					int slot = (int) (cleared & (this.size - 1));
					this.bits[slot >>> 6] &= ~(1L << (slot & 63));
				}
			}
			this.highest = id;
		}

	}

}
