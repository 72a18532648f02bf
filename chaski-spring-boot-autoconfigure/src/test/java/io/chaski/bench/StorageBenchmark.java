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
 * see docs/performance.md. The rounds of the two sides alternate. Arguments: {@code [operations per round, default 20000] [rounds, default 5]}.
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
		ChaskiNode node = ChaskiNode.builder().name("bench").build();
		try (Plain plain = new Plain(directory.resolve("plain.db"));
				ChaskiStorage storage = ChaskiStorage.open(node, StorageSettings.of(directory.resolve("chaski.db")),
						new DefaultPayloadCodec(), Clock.systemUTC())) {
			compare("put", rounds, operations, plain::put, i -> storage.put("key-" + i, VALUE, Duration.ZERO));
			compare("get", rounds, operations, plain::get, i -> storage.get("key-" + i, byte[].class));
		}
	}

	/**
	 * Runs the rounds of both sides alternately, so that load from other processes, which varies a lot on a shared
	 * machine, falls on both alike; the ratio is the median of the per-round ratios.
	 */
	private static void compare(String name, int rounds, int operations, Operation plain, Operation chaski)
			throws Exception {
		double[] plainRates = new double[rounds];
		double[] chaskiRates = new double[rounds];
		double[] ratios = new double[rounds];
		for (int round = -1; round < rounds; round++) {
			double plainRate = measure(operations, plain);
			double chaskiRate = measure(operations, chaski);
			if (round >= 0) {
				plainRates[round] = plainRate;
				chaskiRates[round] = chaskiRate;
				ratios[round] = chaskiRate / plainRate;
			}
		}
		report("plain sqlite-jdbc " + name, plainRates);
		report("ChaskiStorage " + name + "    ", chaskiRates);
		Arrays.sort(ratios);
		System.out.printf("ChaskiStorage / plain %s: %.2fx median of rounds (min %.2f, max %.2f); load average %s%n",
				name, ratios[rounds / 2], ratios[0], ratios[rounds - 1], LoadAverage.now());
	}

	private static void report(String name, double[] perSecond) {
		Arrays.sort(perSecond);
		System.out.printf("%s: %,10.0f ops/s median (min %,.0f, max %,.0f)%n", name, perSecond[perSecond.length / 2],
				perSecond[0], perSecond[perSecond.length - 1]);
	}

	private static double measure(int operations, Operation operation) throws Exception {
		long start = System.nanoTime();
		for (int i = 0; i < operations; i++) {
			operation.run(i);
		}
		return operations * 1e9 / (System.nanoTime() - start);
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
