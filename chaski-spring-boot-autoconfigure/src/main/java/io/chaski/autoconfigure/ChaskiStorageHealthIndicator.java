package io.chaski.autoconfigure;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.chaski.storage.ChaskiStorage;
import io.chaski.storage.ReplicationStats;

/**
 * Health of the node's storage ({@code chaskiStorage}): UP while its SQLite file answers a query. Details: the
 * file, its size with the write-ahead log, keys and requests in flight, and when replicating the replication lag
 * of recent writes from peers (p50 and p99, milliseconds; -1 before any) and the tombstones kept.
 */
public class ChaskiStorageHealthIndicator implements HealthIndicator {

	private final ChaskiStorage storage;

	/** @param storage the storage to report on */
	public ChaskiStorageHealthIndicator(ChaskiStorage storage) {
		this.storage = storage;
	}

	@Override
	public Health health() {
		if (!this.storage.isReachable()) {
			return Health.down().withDetail("file", this.storage.file().toString()).build();
		}
		Health.Builder health = Health.up()
			.withDetail("file", this.storage.file().toString())
			.withDetail("fileBytes", this.storage.fileBytes())
			.withDetail("keys", this.storage.size())
			.withDetail("pendingRequests", this.storage.pendingRequests());
		if (this.storage.isReplicating()) {
			ReplicationStats replication = this.storage.stats().replication();
			health.withDetail("replicationLagP50Millis", replication.lagMillis(50))
				.withDetail("replicationLagP99Millis", replication.lagMillis(99))
				.withDetail("tombstones", this.storage.tombstones());
		}
		return health.build();
	}

}
