package io.chaski.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.data.jdbc.core.convert.DataAccessStrategy;
import org.springframework.data.jdbc.core.convert.DelegatingDataAccessStrategy;
import org.springframework.data.jdbc.core.convert.JdbcConverter;
import org.springframework.data.jdbc.core.convert.JdbcCustomConversions;
import org.springframework.data.jdbc.core.convert.QueryMappingConfiguration;
import org.springframework.data.jdbc.core.mapping.JdbcMappingContext;
import org.springframework.data.jdbc.repository.config.JdbcConfiguration;
import org.springframework.data.jdbc.repository.support.JdbcRepositoryFactory;
import org.springframework.data.relational.RelationalManagedTypes;
import org.springframework.data.relational.core.mapping.DefaultNamingStrategy;
import org.springframework.data.repository.core.support.RepositoryComposition.RepositoryFragments;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The SQLite file of one node, through Chaski's own DataSource, JDBC template, transaction manager and Spring
 * Data JDBC repository: none of them is a bean, so an application's own database is never touched. One pooled
 * connection makes this process's single writer; WAL lets other readers (a backup, the CLI) run beside it, and
 * the busy timeout covers another process holding the lock briefly.
 */
final class EntryStore implements AutoCloseable {

	private static final String SCHEMA = "CREATE TABLE IF NOT EXISTS chaski_entry (entry_key TEXT NOT NULL PRIMARY KEY, "
			+ "entry_value BLOB NOT NULL, content_type TEXT, expires_at INTEGER NOT NULL DEFAULT 0)";

	/**
	 * Columns added since the first schema, with their definitions: a file of an earlier version gets them on open
	 * (its rows keep their data and count as older than any write: timestamp 0, the nil origin).
	 */
	private static final Map<String, String> ADDED_COLUMNS = new LinkedHashMap<>();

	static {
		ADDED_COLUMNS.put("hlc", "INTEGER NOT NULL DEFAULT 0");
		ADDED_COLUMNS.put("origin", "TEXT NOT NULL DEFAULT '" + StorageEntry.NO_ORIGIN + "'");
		ADDED_COLUMNS.put("deleted", "INTEGER NOT NULL DEFAULT 0");
	}

	private static final String VERSIONS = "SELECT entry_key, hlc, origin FROM chaski_entry "
			+ "WHERE expires_at = 0 OR expires_at > ?";

	private static final String EXPIRY_INDEX = "CREATE INDEX IF NOT EXISTS chaski_entry_expiry "
			+ "ON chaski_entry (expires_at) WHERE expires_at <> 0";

	private final Path file;

	private final HikariDataSource dataSource;

	private final StorageEntryRepository repository;

	private final TransactionTemplate transactions;

	private final JdbcTemplate jdbc;

	EntryStore(Path file, Duration busyTimeout) {
		this.file = file.toAbsolutePath();
		this.dataSource = open(this.file, busyTimeout);
		try {
			JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
			jdbc.execute(SCHEMA);
			migrate(jdbc);
			jdbc.execute(EXPIRY_INDEX);
			this.jdbc = jdbc;
			this.repository = repository(new NamedParameterJdbcTemplate(jdbc), new StorageEntryFastPathImpl(jdbc));
			this.transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		}
		catch (DataAccessException ex) {
			this.dataSource.close();
			throw new ChaskiStorageException("Cannot open storage file " + this.file + ": " + rootMessage(ex), ex);
		}
	}

	private static void migrate(JdbcTemplate jdbc) {
		List<String> present = jdbc.queryForList("SELECT name FROM pragma_table_info('chaski_entry')", String.class);
		ADDED_COLUMNS.forEach((name, definition) -> {
			if (!present.contains(name)) {
				jdbc.execute("ALTER TABLE chaski_entry ADD COLUMN " + name + " " + definition);
			}
		});
	}

	private static HikariDataSource open(Path file, Duration busyTimeout) {
		try {
			Path directory = file.getParent();
			if (directory != null) {
				Files.createDirectories(directory);
			}
		}
		catch (IOException ex) {
			throw new ChaskiStorageException("Cannot create the directory of storage file " + file + ": " + ex, ex);
		}
		SQLiteConfig config = new SQLiteConfig();
		config.setJournalMode(SQLiteConfig.JournalMode.WAL);
		// NORMAL in WAL mode loses nothing when the process dies; only a power cut can cost the last commits
		config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
		config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
		// a read that turns into a write inside a transaction takes the write lock up front (no SQLITE_BUSY)
		config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
		SQLiteDataSource sqlite = new SQLiteDataSource(config) {

			@Override
			public Connection getConnection() throws SQLException {
				return StatementCache.wrap(super.getConnection());
			}

		};
		sqlite.setUrl("jdbc:sqlite:" + file);
		HikariConfig pool = new HikariConfig();
		pool.setDataSource(sqlite);
		pool.setMaximumPoolSize(1);
		pool.setMinimumIdle(1);
		pool.setPoolName("chaski-storage");
		pool.setRegisterMbeans(false);
		try {
			return new HikariDataSource(pool);
		}
		catch (RuntimeException ex) {
			throw new ChaskiStorageException("Cannot open storage file " + file + ": " + rootMessage(ex), ex);
		}
	}

	private static StorageEntryRepository repository(NamedParameterJdbcTemplate operations,
			StorageEntryFastPath fastPath) {
		SqliteDialect dialect = SqliteDialect.INSTANCE;
		JdbcCustomConversions conversions = JdbcConfiguration.createCustomConversions(dialect, List.of());
		JdbcMappingContext context = JdbcConfiguration.createMappingContext(
				RelationalManagedTypes.from(StorageEntry.class), conversions, DefaultNamingStrategy.INSTANCE);
		// the converter resolves relations through the access strategy, which needs the converter: tie the knot
		DelegatingDataAccessStrategy relations = new DelegatingDataAccessStrategy();
		JdbcConverter converter = JdbcConfiguration.createConverter(context, operations, relations, conversions,
				dialect);
		DataAccessStrategy access = JdbcConfiguration.createDataAccessStrategy(operations, converter,
				QueryMappingConfiguration.EMPTY, dialect);
		relations.setDelegate(access);
		JdbcRepositoryFactory factory = new JdbcRepositoryFactory(access, context, converter, dialect, event -> {
		}, operations);
		return factory.getRepository(StorageEntryRepository.class, RepositoryFragments.just(fastPath));
	}

	/** @return the repository, for single statements */
	StorageEntryRepository rows() {
		return this.repository;
	}

	/**
	 * @param key a key
	 * @param now epoch milliseconds
	 * @return the row if it holds a value that has not expired; an expired row is deleted on the way
	 */
	Optional<StorageEntry> findLive(String key, long now) {
		Optional<StorageEntry> entry = this.repository.findEntry(key);
		if (entry.isPresent() && entry.get().expiredAt(now)) {
			this.repository.deleteIfExpired(key, now);
			return Optional.empty();
		}
		return entry.filter(row -> !row.deleted());
	}

	/**
	 * Writes a row unless the stored row of its key wins over it (last writer wins).
	 * @param entry a stamped row
	 * @return whether it was written
	 */
	boolean write(StorageEntry entry) {
		return this.repository.upsert(entry) > 0;
	}

	/**
	 * Writes rows from a peer in one transaction, each unless the stored row of its key wins over it.
	 * @param entries stamped rows
	 * @return those that were written (news to this node)
	 */
	List<StorageEntry> writeAll(List<StorageEntry> entries) {
		return this.transactions.execute(status -> entries.stream().filter(this::write).toList());
	}

	/**
	 * Reads and removes a row in one transaction: of two concurrent takes, one gets it.
	 * @param key a key
	 * @param now epoch milliseconds
	 * @param tombstone what replaces the row, or {@code null} to delete it outright
	 * @return the row, if it held a value that had not expired
	 */
	Optional<StorageEntry> take(String key, long now, StorageEntry tombstone) {
		return this.transactions.execute(status -> {
			Optional<StorageEntry> entry = this.repository.findEntry(key).filter(row -> !row.deleted());
			if (entry.isPresent()) {
				remove(key, tombstone);
			}
			return entry.filter(row -> !row.expiredAt(now));
		});
	}

	/**
	 * Removes a row in one transaction if it is still the version given (a write since then stays).
	 * @param version the row as it was read
	 * @param tombstone what replaces the row, or {@code null} to delete it outright
	 * @return whether the row was that version and went
	 */
	boolean removeVersion(StorageEntry version, StorageEntry tombstone) {
		return Boolean.TRUE.equals(this.transactions.execute(status -> {
			boolean same = this.repository.findEntry(version.key())
				.filter(row -> !row.deleted() && row.hlc() == version.hlc() && row.origin().equals(version.origin()))
				.isPresent();
			if (same) {
				remove(version.key(), tombstone);
			}
			return same;
		}));
	}

	/**
	 * Removes a key in one transaction.
	 * @param key a key
	 * @param tombstone what replaces the row, or {@code null} to delete it outright
	 * @return whether it held a value (expired or not)
	 */
	boolean delete(String key, StorageEntry tombstone) {
		return Boolean.TRUE.equals(this.transactions.execute(status -> {
			boolean held = this.repository.findEntry(key).filter(row -> !row.deleted()).isPresent();
			remove(key, tombstone);
			return held;
		}));
	}

	private void remove(String key, StorageEntry tombstone) {
		if (tombstone == null) {
			this.repository.deleteKey(key);
		}
		else {
			write(tombstone);
		}
	}

	/**
	 * @param now epoch milliseconds
	 * @param versions given the version of every row that has not expired (tombstones included), in no order
	 */
	void scanVersions(long now, Consumer<Version> versions) {
		this.jdbc.query(VERSIONS, (RowCallbackHandler) row -> versions
			.accept(new Version(row.getString(1), row.getLong(2), row.getString(3))), now);
	}

	/**
	 * @param keys keys
	 * @return the rows of those that exist, tombstones included
	 */
	List<StorageEntry> findAll(List<String> keys) {
		return keys.isEmpty() ? List.of() : this.repository.findEntries(keys);
	}

	/** @return the size of the database file and its write-ahead log, in bytes */
	long fileBytes() {
		return size(this.file) + size(this.file.resolveSibling(this.file.getFileName() + "-wal"));
	}

	private static long size(Path path) {
		try {
			return Files.exists(path) ? Files.size(path) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/** @return whether the database answers a query */
	boolean isReachable() {
		try {
			new JdbcTemplate(this.dataSource).queryForObject("SELECT 1", Integer.class);
			return true;
		}
		catch (DataAccessException ex) {
			return false;
		}
	}

	/** @return the file, absolute */
	Path file() {
		return this.file;
	}

	/** @return the data source, for tests that inspect the pragmas */
	DataSource dataSource() {
		return this.dataSource;
	}

	@Override
	public void close() {
		this.dataSource.close();
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getMessage();
	}

}
