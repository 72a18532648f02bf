package io.chaski.storage;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.PersistenceCreator;
import org.springframework.data.relational.core.mapping.Column;
import org.springframework.data.relational.core.mapping.Table;

/**
 * One row of a node's storage: a key, its encoded value, when it expires, and which write made it (a hybrid
 * logical clock timestamp and the writing node's id: the later write wins, on every node). A deleted key is a
 * tombstone row: no value, {@code deleted}, expiring when it is purged.
 *
 * @param key the key
 * @param value the value as the payload codec encoded it (empty for a tombstone)
 * @param contentType the codec's content type, {@code null} for raw bytes
 * @param expiresAt epoch milliseconds after which the row is gone; 0 means never
 * @param hlc the {@link HybridClock} timestamp of the write (0 for rows from before replication existed)
 * @param origin the id of the node that wrote it (the nil UUID for rows from before replication existed)
 * @param deleted whether this is a tombstone
 */
@Table("chaski_entry")
record StorageEntry(@Id @Column("entry_key") String key, @Column("entry_value") byte[] value,
		@Column("content_type") String contentType, @Column("expires_at") long expiresAt, @Column("hlc") long hlc,
		@Column("origin") String origin, @Column("deleted") boolean deleted) {

	/** The origin of rows written before replication existed; every real write wins over them. */
	static final String NO_ORIGIN = "00000000-0000-0000-0000-000000000000";

	@PersistenceCreator
	StorageEntry {
	}

	/** A value not stamped yet (from a peer's fetch answer, or about to be stamped by a put). */
	StorageEntry(String key, byte[] value, String contentType, long expiresAt) {
		this(key, value, contentType, expiresAt, 0, NO_ORIGIN, false);
	}

	/**
	 * @param hlc the write's timestamp
	 * @param origin the writer's id
	 * @return this value stamped as that write
	 */
	StorageEntry stamped(long hlc, String origin) {
		return new StorageEntry(this.key, this.value, this.contentType, this.expiresAt, hlc, origin, this.deleted);
	}

	/**
	 * @param key the deleted key
	 * @param purgeAt epoch milliseconds when the tombstone is purged
	 * @param hlc the delete's timestamp
	 * @param origin the deleting node's id
	 * @return a tombstone
	 */
	static StorageEntry tombstone(String key, long purgeAt, long hlc, String origin) {
		return new StorageEntry(key, new byte[0], null, purgeAt, hlc, origin, true);
	}

	/** @param now epoch milliseconds @return whether the row has expired at that time */
	boolean expiredAt(long now) {
		return this.expiresAt != 0 && this.expiresAt <= now;
	}

	/** @param now epoch milliseconds @return whether the row holds a value readable at that time */
	boolean liveAt(long now) {
		return !this.deleted && !expiredAt(now);
	}

	/** @param now epoch milliseconds @return the time left to live, 0 for no expiry (at least 1 otherwise) */
	long remainingMillis(long now) {
		return (this.expiresAt == 0) ? 0 : Math.max(1, this.expiresAt - now);
	}

	/** @return the version of this row */
	Version version() {
		return new Version(this.key, this.hlc, this.origin);
	}

}
