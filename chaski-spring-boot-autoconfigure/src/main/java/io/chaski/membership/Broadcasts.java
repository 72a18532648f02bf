package io.chaski.membership;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Member updates waiting to be piggybacked. The least sent go first; each is sent a limited number of times
 * that grows with log N (enough to reach everyone with high probability), and a newer update of a member
 * replaces the older one. Not thread-safe: {@link Swim} holds its lock.
 */
final class Broadcasts {

	private final Map<UUID, Entry> queue = new LinkedHashMap<>();

	private final Function<Member, byte[]> encoder;

	private long order;

	/** @param encoder encodes a member record for a packet ({@link PacketCodec#record}) */
	Broadcasts(Function<Member, byte[]> encoder) {
		this.encoder = encoder;
	}

	/** @param member an update to spread (replaces one about the same member) */
	void add(Member member) {
		this.queue.put(member.id(), new Entry(this.encoder.apply(member), this.order++));
	}

	/**
	 * Takes updates for one packet, counting a transmission for each.
	 * @param budget bytes available
	 * @param limit transmissions after which an update is dropped
	 * @return encoded updates, at most 255
	 */
	List<byte[]> take(int budget, int limit) {
		List<Entry> candidates = new ArrayList<>(this.queue.values());
		candidates.sort(Comparator.comparingInt((Entry entry) -> entry.transmits).thenComparingLong(entry -> -entry.order));
		List<byte[]> chosen = new ArrayList<>();
		int left = budget;
		for (Entry entry : candidates) {
			if (chosen.size() == 255) {
				break;
			}
			if (entry.bytes.length <= left) {
				chosen.add(entry.bytes);
				left -= entry.bytes.length;
				entry.transmits++;
			}
		}
		this.queue.values().removeIf(entry -> entry.transmits >= limit);
		return chosen;
	}

	/** @return whether nothing waits */
	boolean isEmpty() {
		return this.queue.isEmpty();
	}

	/** @return updates waiting */
	int size() {
		return this.queue.size();
	}

	private static final class Entry {

		final byte[] bytes;

		final long order;

		int transmits;

		Entry(byte[] bytes, long order) {
			this.bytes = bytes;
			this.order = order;
		}

	}

}
