package io.chaski.storage;

import java.util.Optional;

/**
 * The single-key read of {@link StorageEntryRepository}, a fragment implemented by {@link StorageEntryLookupImpl}
 * rather than a {@code @Query} method: the read path of every get.
 */
interface StorageEntryLookup {

	/**
	 * @param key a key
	 * @return its row, tombstones and expired rows included
	 */
	Optional<StorageEntry> findEntry(String key);

}
