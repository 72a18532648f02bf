package io.chaski.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.chaski.node.Edge;
import io.chaski.storage.ReplicationMessages.Digest;
import io.chaski.storage.ReplicationMessages.Purpose;
import io.chaski.storage.ReplicationMessages.Versions;
import io.chaski.wire.EnvelopeKind;

/**
 * Anti-entropy rounds between two replicating nodes, so that one that was away, cut off or new converges
 * without a full copy:
 * <ol>
 * <li>the initiator sends the digest of each key bucket and the bucket to start from ({@code DIGEST});</li>
 * <li>the peer lists its versions of the buckets whose digests differ ({@code VERSIONS}), in bucket order from
 * that one (wrapping around), at most {@code max-keys-per-message} of them, saying whether it left differing
 * buckets out;</li>
 * <li>the initiator sends the rows where it holds the winning version or the peer has none ({@code WRITES}), asks
 * for those where the peer wins or it has none ({@code WANT}), and if buckets were left out starts another round
 * at once, from the bucket after the last one listed (the buckets just repaired may still look different to its
 * digest while the rows it asked for are on their way).</li>
 * </ol>
 * One round per peer is in flight at a time; a round whose answer has not come within the timeout may be replaced
 * by a new one (a late answer to the round still in flight is used: a busy peer slows a chain of rounds down
 * without breaking it). Called on the replicator's one worker thread.
 */
final class AntiEntropy {

	private final EntryStore store;

	private final ReplicationLinks links;

	private final ReplicationStats stats;

	private final HybridClock clock;

	private final long timeoutNanos;

	private final int maxKeys;

	private final AtomicLong correlations = new AtomicLong();

	/** The round in flight with each peer. */
	private final Map<UUID, Round> rounds = new ConcurrentHashMap<>();

	/** Where the next round with a peer starts, while a chain of rounds goes through the buckets. */
	private final Map<UUID, Integer> cursors = new ConcurrentHashMap<>();

	AntiEntropy(EntryStore store, ReplicationLinks links, ReplicationStats stats, HybridClock clock, Duration timeout,
			int maxKeys) {
		this.store = store;
		this.links = links;
		this.stats = stats;
		this.clock = clock;
		this.timeoutNanos = timeout.toNanos();
		this.maxKeys = maxKeys;
	}

	/** @param peer a replicating peer to compare with, unless a round with it is in flight */
	void start(Edge peer) {
		long now = System.nanoTime();
		Round inFlight = this.rounds.get(peer.nodeId());
		if (inFlight != null && now - inFlight.started() < this.timeoutNanos) {
			return;
		}
		long correlation = this.correlations.incrementAndGet();
		this.rounds.put(peer.nodeId(), new Round(correlation, now));
		Digests digests = new Digests();
		this.store.scanVersions(this.clock.wallMillis(), digests::add);
		sent(this.links.send(peer, EnvelopeKind.STORAGE_REPL_DIGEST, ReplicationMessages.digest(correlation,
				this.cursors.getOrDefault(peer.nodeId(), 0), digests.sums())));
	}

	/** A peer started a round: list the versions of the buckets that differ. */
	void onDigest(Edge from, Digest digest) {
		Digests digests = new Digests();
		this.store.scanVersions(this.clock.wallMillis(), digests::add);
		long[] mine = digests.sums();
		List<Integer> differing = new ArrayList<>();
		for (int i = 0; i < mine.length; i++) {
			int bucket = (digest.fromBucket() + i) % mine.length;
			if (mine[bucket] != digest.sums()[bucket]) {
				differing.add(bucket);
			}
		}
		Map<Integer, List<Version>> byBucket = versions(new HashSet<>(differing));
		List<Integer> complete = new ArrayList<>();
		List<Version> listed = new ArrayList<>();
		int partial = -1;
		String upTo = null;
		boolean more = false;
		for (int bucket : differing) {
			List<Version> versions = byBucket.getOrDefault(bucket, List.of());
			if (listed.size() + versions.size() <= this.maxKeys) {
				complete.add(bucket);
				listed.addAll(versions);
				continue;
			}
			if (complete.isEmpty()) {
				// one bucket with more keys than a message holds: its first keys, in order
				List<Version> first = versions.subList(0, this.maxKeys);
				listed.addAll(first);
				partial = bucket;
				upTo = first.get(first.size() - 1).key();
			}
			more = true;
			break;
		}
		sent(this.links.send(from, EnvelopeKind.STORAGE_REPL_VERSIONS,
				ReplicationMessages.versions(new Versions(digest.correlation(), more, complete, partial, upTo, listed))));
	}

	/**
	 * The peer's versions: send what it lacks, ask for what this node lacks.
	 * @return whether the peer left differing buckets out (another round should follow at once)
	 */
	boolean onVersions(Edge from, Versions answer) {
		Round round = this.rounds.get(from.nodeId());
		if (round == null || round.correlation() != answer.correlation() || !this.rounds.remove(from.nodeId(), round)) {
			return false; // replaced by a later round, or not asked for
		}
		Set<Integer> buckets = new HashSet<>(answer.buckets());
		if (answer.partialBucket() >= 0) {
			buckets.add(answer.partialBucket());
		}
		Map<String, Version> mine = new HashMap<>();
		versions(buckets).values().forEach(list -> list.forEach(version -> mine.put(version.key(), version)));
		List<String> give = new ArrayList<>();
		List<String> want = new ArrayList<>();
		Set<String> theirs = new HashSet<>();
		for (Version their : answer.versions()) {
			theirs.add(their.key());
			Version my = mine.get(their.key());
			if (my == null || their.newerThan(my)) {
				want.add(their.key());
			}
			else if (my.newerThan(their)) {
				give.add(my.key());
			}
		}
		for (Version my : mine.values()) {
			if (!theirs.contains(my.key()) && listedInFull(answer, my.key())) {
				give.add(my.key());
			}
		}
		for (List<String> keys : chunks(give)) {
			sent(this.links.sendWrites(from, Purpose.REPAIR, this.store.findAll(keys)));
		}
		for (List<String> keys : chunks(want)) {
			sent(this.links.send(from, EnvelopeKind.STORAGE_REPL_WANT, ReplicationMessages.want(keys)));
		}
		this.stats.round();
		if (!answer.more()) {
			this.cursors.remove(from.nodeId());
			return false;
		}
		int last = (answer.partialBucket() >= 0) ? answer.partialBucket()
				: answer.buckets().isEmpty() ? -1 : answer.buckets().get(answer.buckets().size() - 1);
		this.cursors.put(from.nodeId(), (last + 1) % Digests.BUCKETS);
		return true;
	}

	/** A peer wants rows: send those this node has. */
	void onWant(Edge from, List<String> keys) {
		sent(this.links.sendWrites(from, Purpose.REPAIR, this.store.findAll(keys)));
	}

	/** Forgets the round with a peer that is gone. */
	void forget(UUID peer) {
		this.rounds.remove(peer);
		this.cursors.remove(peer);
	}

	/** @return whether the peer's answer covers this key: its bucket listed in full, or up to it */
	private static boolean listedInFull(Versions answer, String key) {
		int bucket = Digests.bucketOf(key);
		return answer.buckets().contains(bucket)
				|| (bucket == answer.partialBucket() && key.compareTo(answer.partialUpTo()) <= 0);
	}

	/** @return this node's versions of the given buckets, each list sorted by key */
	private Map<Integer, List<Version>> versions(Set<Integer> buckets) {
		Map<Integer, List<Version>> byBucket = new HashMap<>();
		if (buckets.isEmpty()) {
			return byBucket;
		}
		this.store.scanVersions(this.clock.wallMillis(), version -> {
			int bucket = Digests.bucketOf(version.key());
			if (buckets.contains(bucket)) {
				byBucket.computeIfAbsent(bucket, b -> new ArrayList<>()).add(version);
			}
		});
		byBucket.values().forEach(list -> list.sort(Comparator.comparing(Version::key)));
		return byBucket;
	}

	private List<List<String>> chunks(List<String> keys) {
		List<List<String>> chunks = new ArrayList<>();
		for (int from = 0; from < keys.size(); from += this.maxKeys) {
			chunks.add(keys.subList(from, Math.min(keys.size(), from + this.maxKeys)));
		}
		return chunks;
	}

	private record Round(long correlation, long started) {
	}

	private void sent(long bytes) {
		this.stats.antiEntropyBytes(bytes);
	}

}
