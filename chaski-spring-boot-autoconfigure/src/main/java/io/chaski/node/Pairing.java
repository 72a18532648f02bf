package io.chaski.node;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Which members a node links to (docs/membership.md, "Pairing by topic"): a pure function of the members it
 * knows, the latencies it measured and {@code max-connections}, so that it is tested without sockets.
 * <ul>
 * <li>Per topic the node subscribes to, at most {@code maxConnections} members that subscribe to it. The first
 * is always the topic's <em>ring successor</em> (the next member id after this node's, wrapping around): every
 * member links to its successor, so each topic's members form a ring, a connected graph, whatever the limit.
 * The others are the lowest latency first (whole milliseconds; measured only over existing links, so existing
 * links are preferred and do not churn), then the next ids along the ring.</li>
 * <li>A root relays every topic: a node that is not a root links to one root (the lowest latency, then the
 * next along the ring); a root links to every other root, so that the roots form one relay.</li>
 * <li>A topic the node publishes to without subscribing is carried by that root; without a root the node
 * links to the topic's subscribers as for a subscription.</li>
 * </ul>
 * Links other members open to this node are not counted: the limit bounds what each node initiates.
 */
final class Pairing {

	private final int maxConnections;

	/** @param maxConnections most members chosen per topic, at least 1 */
	Pairing(int maxConnections) {
		if (maxConnections < 1) {
			throw new IllegalArgumentException("maxConnections must be at least 1 but was " + maxConnections);
		}
		this.maxConnections = maxConnections;
	}

	/**
	 * @param self this node
	 * @param published topics this node publishes to lately (those it subscribes to are covered anyway)
	 * @param members the other members that may be linked (alive or suspect, with a TCP address)
	 * @param latencyMillis measured one-way latency per member id, for those linked
	 * @return the ids of the members this node should hold links to
	 */
	Set<UUID> choose(Candidate self, Set<String> published, Collection<Candidate> members,
			Map<UUID, Double> latencyMillis) {
		Comparator<Candidate> ring = Comparator.comparing(Candidate::id, (a, b) -> compareRingDistance(self.id(), a, b));
		Comparator<Candidate> nearest = Comparator.comparingLong((Candidate c) -> latencyBucket(latencyMillis, c.id()))
			.thenComparing(ring);
		List<Candidate> roots = members.stream().filter(Candidate::root).toList();
		Set<UUID> chosen = new LinkedHashSet<>();
		if (self.root()) {
			roots.forEach(root -> chosen.add(root.id()));
			return chosen;
		}
		roots.stream().min(nearest).ifPresent(root -> chosen.add(root.id()));
		Set<String> topics = new TreeSet<>(self.topics());
		if (roots.isEmpty()) {
			topics.addAll(published);
		}
		for (String topic : topics) {
			List<Candidate> group = new ArrayList<>(members.stream()
				.filter(member -> !member.root() && member.topics().contains(topic))
				.sorted(ring)
				.toList());
			if (group.isEmpty()) {
				continue;
			}
			chosen.add(group.remove(0).id());
			group.stream().sorted(nearest).limit(this.maxConnections - 1L).forEach(member -> chosen.add(member.id()));
		}
		return chosen;
	}

	/** Latency in whole milliseconds, so that jitter among equally near members does not reorder them. */
	private static long latencyBucket(Map<UUID, Double> latencyMillis, UUID id) {
		Double latency = latencyMillis.get(id);
		return (latency == null || latency.isNaN()) ? Long.MAX_VALUE : (long) Math.floor(latency);
	}

	/** Compares a and b by how far along the ring of 128-bit ids they come after {@code from}. */
	static int compareRingDistance(UUID from, UUID a, UUID b) {
		long aHigh = distanceHigh(from, a);
		long bHigh = distanceHigh(from, b);
		if (aHigh != bHigh) {
			return Long.compareUnsigned(aHigh, bHigh);
		}
		return Long.compareUnsigned(a.getLeastSignificantBits() - from.getLeastSignificantBits(),
				b.getLeastSignificantBits() - from.getLeastSignificantBits());
	}

	/** The high 64 bits of (to - from) mod 2^128. */
	private static long distanceHigh(UUID from, UUID to) {
		long borrow = (Long.compareUnsigned(to.getLeastSignificantBits(), from.getLeastSignificantBits()) < 0) ? 1 : 0;
		return to.getMostSignificantBits() - from.getMostSignificantBits() - borrow;
	}

	/**
	 * A member as pairing sees it.
	 *
	 * @param id its node id
	 * @param topics the topics it subscribes to
	 * @param root whether it relays every topic
	 */
	record Candidate(UUID id, Set<String> topics, boolean root) {

		Candidate {
			topics = Set.copyOf(topics);
		}

	}

}
