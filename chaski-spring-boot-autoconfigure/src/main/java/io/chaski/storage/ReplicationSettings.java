package io.chaski.storage;

import java.time.Duration;

/**
 * How a {@link ChaskiStorage} keeps in sync with the other replicating members (docs/storage.md, "Replication").
 *
 * @param enabled whether this node replicates: its writes go to the other replicating members and theirs come
 * here
 * @param tombstoneTtl how long a deleted key is remembered (so that an older write cannot bring it back) before
 * it is purged; a node away for longer may bring deleted keys back
 * @param antiEntropyInterval time between digest comparisons with each replicating peer (one also runs when a
 * link to one opens)
 * @param maxClockSkew how far ahead of this node's wall clock a peer's write may be stamped; later ones are
 * refused (counted) until the clock has caught up
 * @param maxKeysPerMessage most keys in one replication message (writes, versions, wants): bounds what a peer
 * can make this node read or do per message
 * @param pushQueueCapacity writes waiting to be pushed to the peers; when full, further writes wait for
 * anti-entropy (counted)
 */
public record ReplicationSettings(boolean enabled, Duration tombstoneTtl, Duration antiEntropyInterval,
		Duration maxClockSkew, int maxKeysPerMessage, int pushQueueCapacity) {

	/** Replication off. */
	public static final ReplicationSettings DISABLED = new ReplicationSettings(false, Duration.ofHours(24),
			Duration.ofSeconds(30), Duration.ofMinutes(1), 1024, 10_000);

	/** Validates the components; see the record description. */
	public ReplicationSettings {
		if (tombstoneTtl == null || tombstoneTtl.isNegative() || tombstoneTtl.isZero()) {
			throw new IllegalArgumentException("tombstoneTtl must be positive, not " + tombstoneTtl);
		}
		if (antiEntropyInterval == null || antiEntropyInterval.toMillis() < 1) {
			throw new IllegalArgumentException("antiEntropyInterval must be at least 1 ms, not " + antiEntropyInterval);
		}
		if (maxClockSkew == null || maxClockSkew.isNegative()) {
			throw new IllegalArgumentException("maxClockSkew must be zero or more, not " + maxClockSkew);
		}
		if (maxKeysPerMessage < 1 || pushQueueCapacity < 1) {
			throw new IllegalArgumentException("maxKeysPerMessage and pushQueueCapacity must be at least 1");
		}
	}

	/** @return these settings with replication on (the defaults of {@code chaski.storage.replication.*} otherwise) */
	public static ReplicationSettings enabledWithDefaults() {
		return DISABLED.withEnabled(true);
	}

	/** @param value whether to replicate @return a copy with it */
	public ReplicationSettings withEnabled(boolean value) {
		return new ReplicationSettings(value, this.tombstoneTtl, this.antiEntropyInterval, this.maxClockSkew,
				this.maxKeysPerMessage, this.pushQueueCapacity);
	}

	/** @param value time between anti-entropy rounds @return a copy with it */
	public ReplicationSettings withAntiEntropyInterval(Duration value) {
		return new ReplicationSettings(this.enabled, this.tombstoneTtl, value, this.maxClockSkew,
				this.maxKeysPerMessage, this.pushQueueCapacity);
	}

	/** @param value most keys per message @return a copy with it */
	public ReplicationSettings withMaxKeysPerMessage(int value) {
		return new ReplicationSettings(this.enabled, this.tombstoneTtl, this.antiEntropyInterval, this.maxClockSkew,
				value, this.pushQueueCapacity);
	}

}
