package io.chaski.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

import org.sqlite.SQLiteConfig;

import io.chaski.node.ChaskiNode;
import io.chaski.storage.ChaskiStorage;
import io.chaski.storage.StorageSettings;
import io.chaski.wire.DefaultPayloadCodec;

/**
 * Local put and get operations per second through {@link ChaskiStorage} against plain sqlite-jdbc prepared
 * statements with the same pragmas (WAL, synchronous NORMAL, busy timeout 5 s), in the same run. Not a test;
 * see docs/performance.md. Arguments: {@code [operations per round, default 20000] [rounds, default 5]}.
 */
public final class StorageBenchmark {

	private static final byte[] VALUE = new byte[100];

	private StorageBenchmark() {
	}

	/** @param args operations per round, rounds */
	public static void main(String[] args) throws Exception {
		int operations = (args.length > 0) ? Integer.parseInt(args[0]) : 20_000;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 5;
		Path directory = Files.createTempDirectory("chaski-storage-bench");
		System.out.printf("Storage benchmark: %d operations of 100-byte values, 1 warm-up + %d rounds, %d cores, %s%n",
				operations, rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
		try (Plain plain = new Plain(directory.resolve("plain.db"))) {
			report("plain sqlite-jdbc put", measure(rounds, operations, plain::put));
			report("plain sqlite-jdbc get", measure(rounds, operations, plain::get));
		}
		ChaskiNode node = ChaskiNode.builder().name("bench").build();
		try (ChaskiStorage storage = ChaskiStorage.open(node, StorageSettings.of(directory.resolve("chaski.db")),
				new DefaultPayloadCodec(), Clock.systemUTC())) {
			report("ChaskiStorage put    ", measure(rounds, operations, i -> storage.put("key-" + i, VALUE, Duration.ZERO)));
			report("ChaskiStorage get    ", measure(rounds, operations, i -> storage.get("key-" + i, byte[].class)));
		}
	}

	private static void report(String name, double[] perSecond) {
		Arrays.sort(perSecond);
		System.out.printf("%s: %,10.0f ops/s median (min %,.0f, max %,.0f)%n", name, perSecond[perSecond.length / 2],
				perSecond[0], perSecond[perSecond.length - 1]);
	}

	private static double[] measure(int rounds, int operations, Operation operation) throws Exception {
		double[] perSecond = new double[rounds];
		for (int round = -1; round < rounds; round++) {
			long start = System.nanoTime();
			for (int i = 0; i < operations; i++) {
				operation.run(i);
			}
			long nanos = System.nanoTime() - start;
			if (round >= 0) {
				perSecond[round] = operations * 1e9 / nanos;
			}
		}
		return perSecond;
	}

	@FunctionalInterface
	private interface Operation {

		void run(int i) throws Exception;

	}

	/** The baseline: one connection, the same schema, statements and pragmas, prepared once, autocommit per put. */
	private static final class Plain implements AutoCloseable {

		private final Connection connection;

		private final PreparedStatement upsert;

		private final PreparedStatement select;

		private long stamp;

		Plain(Path file) throws SQLException {
			SQLiteConfig config = new SQLiteConfig();
			config.setJournalMode(SQLiteConfig.JournalMode.WAL);
			config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
			config.setBusyTimeout(5000);
			this.connection = config.createConnection("jdbc:sqlite:" + file);
			try (Statement statement = this.connection.createStatement()) {
				statement.execute("CREATE TABLE chaski_entry (entry_key TEXT NOT NULL PRIMARY KEY, "
						+ "entry_value BLOB NOT NULL, content_type TEXT, expires_at INTEGER NOT NULL DEFAULT 0, "
						+ "hlc INTEGER NOT NULL DEFAULT 0, origin TEXT NOT NULL DEFAULT '', "
						+ "deleted INTEGER NOT NULL DEFAULT 0)");
			}
			// the same last-writer-wins upsert as ChaskiStorage, stamped with a counter
			this.upsert = this.connection.prepareStatement("INSERT INTO chaski_entry (entry_key, entry_value, "
					+ "content_type, expires_at, hlc, origin, deleted) VALUES (?, ?, NULL, 0, ?, 'plain', 0) "
					+ "ON CONFLICT (entry_key) DO UPDATE SET entry_value = excluded.entry_value, "
					+ "content_type = excluded.content_type, expires_at = excluded.expires_at, hlc = excluded.hlc, "
					+ "origin = excluded.origin, deleted = excluded.deleted WHERE excluded.hlc > chaski_entry.hlc "
					+ "OR (excluded.hlc = chaski_entry.hlc AND excluded.origin > chaski_entry.origin)");
			this.select = this.connection.prepareStatement("SELECT entry_key, entry_value, content_type, expires_at, "
					+ "hlc, origin, deleted FROM chaski_entry WHERE entry_key = ?");
		}

		void put(int i) throws SQLException {
			this.upsert.setString(1, "key-" + i);
			this.upsert.setBytes(2, VALUE);
			this.upsert.setLong(3, ++this.stamp);
			this.upsert.executeUpdate();
		}

		void get(int i) throws SQLException {
			this.select.setString(1, "key-" + i);
			try (ResultSet row = this.select.executeQuery()) {
				if (!row.next() || row.getBytes(2).length != VALUE.length) {
					throw new IllegalStateException("key-" + i + " missing");
				}
			}
		}

		@Override
		public void close() throws SQLException {
			this.connection.close();
		}

	}

}
