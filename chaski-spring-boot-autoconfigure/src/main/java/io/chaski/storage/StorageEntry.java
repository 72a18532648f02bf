package io.chaski.storage;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Column;
import org.springframework.data.relational.core.mapping.Table;

/**
 * One row of a node's storage: a key, its encoded value and when it expires.
 *
 * @param key the key
 * @param value the value as the payload codec encoded it
 * @param contentType the codec's content type, {@code null} for raw bytes
 * @param expiresAt epoch milliseconds after which the row is gone; 0 means never
 */
@Table("chaski_entry")
record StorageEntry(@Id @Column("entry_key") String key, @Column("entry_value") byte[] value,
		@Column("content_type") String contentType, @Column("expires_at") long expiresAt) {

	/** @param now epoch milliseconds @return whether the row has expired at that time */
	boolean expiredAt(long now) {
		return this.expiresAt != 0 && this.expiresAt <= now;
	}

	/** @param now epoch milliseconds @return the time left to live, 0 for no expiry (at least 1 otherwise) */
	long remainingMillis(long now) {
		return (this.expiresAt == 0) ? 0 : Math.max(1, this.expiresAt - now);
	}

}
