package io.chaski.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ChaskiStorage} keeps its data and answers its peers.
 *
 * @param file the SQLite file (created with its directory when missing)
 * @param defaultTtl time to live of {@code put(key, value)}; zero means no expiry
 * @param fetchTimeout how long {@code fetch} and {@code claim} wait for the peers, and a holder for a claimer's
 * acknowledgement
 * @param busyTimeout how long SQLite waits for a lock held by another process
 * @param purgeInterval time between sweeps that delete expired rows; zero disables the sweep (reads still purge)
 * @param maxKeyLength longest key, in characters
 * @param maxValueBytes largest encoded value; must fit a frame to be fetched by peers
 * @param maxPendingRequests most fetches and claims this node waits for at once, and most keys it holds for
 * claimers at once
 * @param requestQueueCapacity most peer requests queued for the storage threads; more are dropped (counted)
 * @param replication whether and how this node replicates its keys with the other replicating members
 */
public record StorageSettings(Path file, Duration defaultTtl, Duration fetchTimeout, Duration busyTimeout,
		Duration purgeInterval, int maxKeyLength, int maxValueBytes, int maxPendingRequests,
		int requestQueueCapacity, ReplicationSettings replication) {

	/** Validates the components; see the record description. */
	public StorageSettings {
		Objects.requireNonNull(file, "file");
		requireNotNegative(defaultTtl, "defaultTtl");
		requirePositive(fetchTimeout, "fetchTimeout");
		requireNotNegative(busyTimeout, "busyTimeout");
		requireNotNegative(purgeInterval, "purgeInterval");
		requirePositive(maxKeyLength, "maxKeyLength");
		requirePositive(maxValueBytes, "maxValueBytes");
		requirePositive(maxPendingRequests, "maxPendingRequests");
		requirePositive(requestQueueCapacity, "requestQueueCapacity");
		Objects.requireNonNull(replication, "replication");
	}

	/**
	 * @param file the SQLite file
	 * @return settings with the defaults of {@code chaski.storage.*}: TTL 1 h, fetch timeout 2 s, busy timeout 5 s,
	 * a sweep every minute, keys up to 512 characters, values up to 1 MiB, 1024 requests in flight and queued,
	 * no replication
	 */
	public static StorageSettings of(Path file) {
		return new StorageSettings(file, Duration.ofHours(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
				Duration.ofMinutes(1), 512, 1024 * 1024, 1024, 1024,
				ReplicationSettings.DISABLED);
	}

	/** @param value the default time to live @return a copy with it */
	public StorageSettings withDefaultTtl(Duration value) {
		return new StorageSettings(this.file, value, this.fetchTimeout, this.busyTimeout, this.purgeInterval,
				this.maxKeyLength, this.maxValueBytes, this.maxPendingRequests, this.requestQueueCapacity, this.replication);
	}

	/** @param value the fetch timeout @return a copy with it */
	public StorageSettings withFetchTimeout(Duration value) {
		return new StorageSettings(this.file, this.defaultTtl, value, this.busyTimeout, this.purgeInterval,
				this.maxKeyLength, this.maxValueBytes, this.maxPendingRequests, this.requestQueueCapacity, this.replication);
	}

	/** @param keyLength longest key @param valueBytes largest value @return a copy with these limits */
	public StorageSettings withLimits(int keyLength, int valueBytes) {
		return new StorageSettings(this.file, this.defaultTtl, this.fetchTimeout, this.busyTimeout, this.purgeInterval,
				keyLength, valueBytes, this.maxPendingRequests, this.requestQueueCapacity, this.replication);
	}

	/** @param value how to replicate @return a copy with it */
	public StorageSettings withReplication(ReplicationSettings value) {
		return new StorageSettings(this.file, this.defaultTtl, this.fetchTimeout, this.busyTimeout, this.purgeInterval,
				this.maxKeyLength, this.maxValueBytes, this.maxPendingRequests, this.requestQueueCapacity, value);
	}

	private static void requireNotNegative(Duration value, String name) {
		if (value == null || value.isNegative()) {
			throw new IllegalArgumentException(name + " must be zero or more, not " + value);
		}
	}

	private static void requirePositive(Duration value, String name) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, not " + value);
		}
	}

	private static void requirePositive(int value, String name) {
		if (value < 1) {
			throw new IllegalArgumentException(name + " must be at least 1, not " + value);
		}
	}

}
