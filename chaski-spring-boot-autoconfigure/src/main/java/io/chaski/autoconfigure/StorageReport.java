package io.chaski.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

import io.chaski.storage.ChaskiStorage;
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
 */
public record StorageReport(String file, long fileBytes, long keys, Map<String, Long> operations,
		Map<String, Long> fetches, Map<String, Long> claims, long requestsServed, long requestsRejected,
		int pendingRequests, long purged) {

	static StorageReport of(ChaskiStorage storage) {
		StorageStats stats = storage.stats();
		return new StorageReport(storage.file().toString(), storage.fileBytes(), storage.size(),
				counts(StorageStats.Operation.values(), stats::operations),
				counts(StorageStats.Outcome.values(), stats::fetches), counts(StorageStats.Outcome.values(), stats::claims),
				stats.requestsServed(), stats.requestsRejected(), storage.pendingRequests(), stats.purged());
	}

	private static <E extends Enum<E>> Map<String, Long> counts(E[] values, ToLongFunction<E> count) {
		Map<String, Long> map = new LinkedHashMap<>();
		for (E value : values) {
			map.put(value.name().toLowerCase(Locale.ROOT), count.applyAsLong(value));
		}
		return map;
	}

}
