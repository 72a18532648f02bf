package io.chaski.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

import io.chaski.storage.ChaskiStorage;
import io.chaski.storage.ReplicationStats;
import io.chaski.storage.StorageStats;

/**
 * The storage section of {@code /actuator/chaski}.
 *
 * @param file the SQLite file
 * @param fileBytes its size with the write-ahead log
 * @param keys keys that have not expired
 * @param operations local operations by kind
 * @param fetches fetches by outcome
 * @param claims claims by outcome
 * @param requestsServed peer requests answered
 * @param requestsRejected peer messages dropped (malformed, over a limit, queue full)
 * @param pendingRequests fetches and claims waiting for peers
 * @param purged expired rows deleted by sweeps
 * @param replication the replication's state, {@code null} when chaski.storage.replication.enabled is off
 */
public record StorageReport(String file, long fileBytes, long keys, Map<String, Long> operations,
		Map<String, Long> fetches, Map<String, Long> claims, long requestsServed, long requestsRejected,
		int pendingRequests, long purged, ReplicationReport replication) {

	static StorageReport of(ChaskiStorage storage) {
		StorageStats stats = storage.stats();
		return new StorageReport(storage.file().toString(), storage.fileBytes(), storage.size(),
				counts(StorageStats.Operation.values(), stats::operations),
				counts(StorageStats.Outcome.values(), stats::fetches), counts(StorageStats.Outcome.values(), stats::claims),
				stats.requestsServed(), stats.requestsRejected(), storage.pendingRequests(), stats.purged(),
				storage.isReplicating() ? ReplicationReport.of(storage) : null);
	}

	/**
	 * The replication part of the storage section.
	 *
	 * @param pushed writes sent to replicating peers
	 * @param applied writes from peers that were news here
	 * @param stale writes from peers that lost to what this node held
	 * @param refused writes from peers stamped too far in the future
	 * @param dropped writes not pushed because the push queue was full (anti-entropy brings them)
	 * @param antiEntropyRounds anti-entropy rounds completed
	 * @param antiEntropyBytes bytes of anti-entropy messages sent and received
	 * @param lagP50Millis median replication lag of recent writes from peers, -1 before any
	 * @param lagP99Millis 99th percentile of that lag
	 * @param tombstones deleted keys remembered until their grace period ends
	 */
	public record ReplicationReport(long pushed, long applied, long stale, long refused, long dropped,
			long antiEntropyRounds, long antiEntropyBytes, long lagP50Millis, long lagP99Millis, long tombstones) {

		static ReplicationReport of(ChaskiStorage storage) {
			ReplicationStats stats = storage.stats().replication();
			return new ReplicationReport(stats.pushed(), stats.applied(), stats.stale(), stats.refused(),
					stats.dropped(), stats.rounds(), stats.antiEntropyBytes(), stats.lagMillis(50), stats.lagMillis(99),
					storage.tombstones());
		}

	}

	private static <E extends Enum<E>> Map<String, Long> counts(E[] values, ToLongFunction<E> count) {
		Map<String, Long> map = new LinkedHashMap<>();
		for (E value : values) {
			map.put(value.name().toLowerCase(Locale.ROOT), count.applyAsLong(value));
		}
		return map;
	}

}
