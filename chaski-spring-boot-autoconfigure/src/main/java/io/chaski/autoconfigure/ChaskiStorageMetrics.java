package io.chaski.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.chaski.storage.ChaskiStorage;
import io.chaski.storage.StorageStats;

/**
 * {@code chaski.storage.*} meters, tagged with the node name: operations by kind, fetches and claims by outcome,
 * peer requests served and rejected, rows purged, and gauges for keys, file size and requests in flight; when
 * replicating, {@code chaski.storage.replication.*}: the lag (a timer), writes by result, anti-entropy rounds and
 * bytes, and tombstones.
 */
public class ChaskiStorageMetrics implements MeterBinder {

	private final String node;

	private final ChaskiStorage storage;

	/**
	 * @param node the node name (tag)
	 * @param storage the storage
	 */
	public ChaskiStorageMetrics(String node, ChaskiStorage storage) {
		this.node = node;
		this.storage = storage;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (StorageStats.Operation operation : StorageStats.Operation.values()) {
			counter(registry, "chaski.storage.operations", "Local storage operations", "kind", operation.name(),
					s -> s.operations(operation));
		}
		for (StorageStats.Outcome outcome : StorageStats.Outcome.values()) {
			counter(registry, "chaski.storage.fetches", "Fetches by where the value came from", "outcome",
					outcome.name(), s -> s.fetches(outcome));
			counter(registry, "chaski.storage.claims", "Claims by where the value came from", "outcome",
					outcome.name(), s -> s.claims(outcome));
		}
		counter(registry, "chaski.storage.requests", "Storage requests from peers", "result", "served",
				StorageStats::requestsServed);
		counter(registry, "chaski.storage.requests", "Storage requests from peers", "result", "rejected",
				StorageStats::requestsRejected);
		counter(registry, "chaski.storage.claims.restored",
				"Values this node kept because their claimer did not acknowledge them", null, null,
				StorageStats::claimsRestored);
		counter(registry, "chaski.storage.purged", "Expired rows deleted by sweeps", null, null,
				StorageStats::purged);
		Gauge.builder("chaski.storage.keys", this.storage, ChaskiStorage::size)
			.description("Keys that have not expired")
			.tag("node", this.node)
			.register(registry);
		Gauge.builder("chaski.storage.file.size", this.storage, ChaskiStorage::fileBytes)
			.description("Bytes of the SQLite file and its write-ahead log")
			.baseUnit("bytes")
			.tag("node", this.node)
			.register(registry);
		Gauge.builder("chaski.storage.pending", this.storage, ChaskiStorage::pendingRequests)
			.description("Fetches and claims waiting for peers")
			.tag("node", this.node)
			.register(registry);
		if (this.storage.isReplicating()) {
			bindReplication(registry);
		}
	}

	private void bindReplication(MeterRegistry registry) {
		Timer lag = Timer.builder("chaski.storage.replication.lag")
			.description("Time from a write on its node to its arrival here (wall clocks of both nodes)")
			.tag("node", this.node)
			.register(registry);
		this.storage.stats().replication().onLag(millis -> lag.record(millis, TimeUnit.MILLISECONDS));
		Map<String, ToLongFunction<StorageStats>> writes = new LinkedHashMap<>();
		writes.put("pushed", s -> s.replication().pushed());
		writes.put("applied", s -> s.replication().applied());
		writes.put("stale", s -> s.replication().stale());
		writes.put("refused", s -> s.replication().refused());
		writes.put("dropped", s -> s.replication().dropped());
		writes.forEach((result, count) -> counter(registry, "chaski.storage.replication.writes",
				"Replicated writes by result", "result", result, count));
		counter(registry, "chaski.storage.replication.anti-entropy.rounds", "Anti-entropy rounds completed", null,
				null, s -> s.replication().rounds());
		FunctionCounter.builder("chaski.storage.replication.anti-entropy.bytes", this.storage.stats(),
				s -> s.replication().antiEntropyBytes())
			.description("Bytes of anti-entropy messages sent and received")
			.baseUnit("bytes")
			.tag("node", this.node)
			.register(registry);
		Gauge.builder("chaski.storage.replication.tombstones", this.storage, ChaskiStorage::tombstones)
			.description("Deleted keys remembered until their grace period ends")
			.tag("node", this.node)
			.register(registry);
	}

	private void counter(MeterRegistry registry, String name, String description, String tag, String value,
			ToLongFunction<StorageStats> count) {
		FunctionCounter.Builder<StorageStats> builder = FunctionCounter
			.builder(name, this.storage.stats(), count::applyAsLong)
			.description(description)
			.tag("node", this.node);
		if (tag != null) {
			builder.tag(tag, value.toLowerCase(Locale.ROOT));
		}
		builder.register(registry);
	}

}
