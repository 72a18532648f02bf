package io.chaski.autoconfigure;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.chaski.storage.ChaskiStorage;

/**
 * Health of the node's storage ({@code chaskiStorage}): UP while its SQLite file answers a query. Details: the
 * file, its size with the write-ahead log, keys and requests in flight.
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
		return Health.up()
			.withDetail("file", this.storage.file().toString())
			.withDetail("fileBytes", this.storage.fileBytes())
			.withDetail("keys", this.storage.size())
			.withDetail("pendingRequests", this.storage.pendingRequests())
			.build();
	}

}
