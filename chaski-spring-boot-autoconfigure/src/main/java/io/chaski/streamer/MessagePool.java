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
 * is bounded in size and in age. An id older than its origin's window counts as seen: at-most-once delivery
 * prefers dropping a very late message to delivering it twice.
 */
final class MessagePool {

	/**
	 * How many messages may use the last window without going through the cache (which tracks its age).
	 * Counted rather than timed: reading the clock would cost as much as the rest of the check.
	 */
	private static final int RECENT_USES = 1024;

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
	 * @return {@code true} the first time this id is seen
	 */
	boolean firstSight(UUID origin, long id) {
		return window(origin).markSeen(id);
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

	/** A bitmap of the ids in {@code (highest - size, highest]}. */
	static final class SeenWindow {

		private final long[] bits;

		private final int size;

		private long highest = Long.MIN_VALUE;

		SeenWindow(int size) {
			this.size = Math.max(64, Integer.highestOneBit(size - 1) << 1);
			this.bits = new long[this.size / 64];
		}

		synchronized boolean markSeen(long id) {
			if (this.highest == Long.MIN_VALUE || id > this.highest) {
				advanceTo(id);
			}
			else if (id <= this.highest - this.size) {
				return false;
			}
			int slot = (int) (id & (this.size - 1));
			long mask = 1L << (slot & 63);
			long word = this.bits[slot >>> 6];
			if ((word & mask) != 0) {
				return false;
			}
			this.bits[slot >>> 6] = word | mask;
			return true;
		}

		/** Clears the slots between the old and the new highest id, which now stand for newer ids. */
		private void advanceTo(long id) {
			if (this.highest == Long.MIN_VALUE || id - this.highest >= this.size) {
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
