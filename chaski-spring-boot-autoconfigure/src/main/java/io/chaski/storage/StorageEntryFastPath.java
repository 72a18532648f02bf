package io.chaski.storage;

import java.util.Optional;

/**
 * The statements of every get and put, a fragment of {@link StorageEntryRepository} implemented by
 * {@link StorageEntryFastPathImpl} rather than {@code @Query} methods.
 */
interface StorageEntryFastPath {

	/**
	 * @param key a key
	 * @return its row, tombstones and expired rows included
	 */
	Optional<StorageEntry> findEntry(String key);

	/**
	 * Inserts a row, or replaces the key's row if this write wins over it (later timestamp, greater origin on a
	 * tie), in one statement.
	 * @param entry a stamped row
	 * @return 1 if the row was written, 0 if the stored one wins (nothing changed)
	 */
	int upsert(StorageEntry entry);

}
