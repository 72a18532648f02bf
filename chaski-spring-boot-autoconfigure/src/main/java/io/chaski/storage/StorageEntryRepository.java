package io.chaski.storage;

import java.util.Collection;
import java.util.List;

import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;

/**
 * Chaski's own Spring Data JDBC repository of {@link StorageEntry} rows, never exposed as a bean. Rows are read
 * through the queries below and {@link StorageEntryRowMapper}, never through the generic {@code findById} /
 * {@code findAll}: the generic entity mapping costs several times the SQLite read, and reading SQLite's 0/1 as a
 * boolean would need a custom Integer converter, which slows every query of the repository (measured: get 5x).
 * The single-key read and the upsert, run by every get and put, are the fragment {@link StorageEntryFastPath}.
 */
interface StorageEntryRepository extends ListCrudRepository<StorageEntry, String>, StorageEntryFastPath {

	/** The rows of some keys, tombstones included. */
	@Query(value = "SELECT " + StorageEntryRowMapper.COLUMNS + " FROM chaski_entry WHERE entry_key IN (:keys)",
			rowMapperClass = StorageEntryRowMapper.class)
	List<StorageEntry> findEntries(Collection<String> keys);

	/** Every row, tombstones and expired rows included, by key. */
	@Query(value = "SELECT " + StorageEntryRowMapper.COLUMNS + " FROM chaski_entry ORDER BY entry_key",
			rowMapperClass = StorageEntryRowMapper.class)
	List<StorageEntry> findEveryEntry();

	/** Deletes a row, whatever its expiry; returns how many went (0 or 1). */
	@Modifying
	@Query("DELETE FROM chaski_entry WHERE entry_key = :key")
	int deleteKey(String key);

	/** Deletes a row only if it has expired at {@code now} (a concurrent put may have renewed it). */
	@Modifying
	@Query("DELETE FROM chaski_entry WHERE entry_key = :key AND expires_at <> 0 AND expires_at <= :now")
	int deleteIfExpired(String key, long now);

	/** Deletes every expired row, and every tombstone whose grace period is over. */
	@Modifying
	@Query("DELETE FROM chaski_entry WHERE expires_at <> 0 AND expires_at <= :now")
	int deleteExpired(long now);

	// substr, not LIKE: SQLite's LIKE ignores ASCII case and would need escaping for % and _
	@Query("SELECT entry_key FROM chaski_entry WHERE substr(entry_key, 1, length(:prefix)) = :prefix "
			+ "AND deleted = 0 AND (expires_at = 0 OR expires_at > :now) ORDER BY entry_key")
	List<String> findLiveKeys(String prefix, long now);

	@Query("SELECT COUNT(*) FROM chaski_entry WHERE deleted = 0 AND (expires_at = 0 OR expires_at > :now)")
	long countLive(long now);

	@Query("SELECT COUNT(*) FROM chaski_entry WHERE deleted = 1")
	long countTombstones();

	@Query("SELECT COALESCE(MAX(hlc), 0) FROM chaski_entry")
	long maxHlc();

}
