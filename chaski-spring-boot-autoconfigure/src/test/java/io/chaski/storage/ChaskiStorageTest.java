package io.chaski.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

import io.chaski.node.ChaskiNode;
import io.chaski.wire.DefaultPayloadCodec;

/** The local API of {@link ChaskiStorage} on a real SQLite file in a temporary directory. */
class ChaskiStorageTest {

	@TempDir
	Path directory;

	private final MutableClock clock = new MutableClock();

	private final List<AutoCloseable> open = new ArrayList<>();

	private ChaskiStorage storage;

	record Reading(String sensor, double value, List<String> tags) {
	}

	@BeforeEach
	void open() {
		this.storage = open(StorageSettings.of(this.directory.resolve("node.db")));
	}

	private ChaskiStorage open(StorageSettings settings) {
		ChaskiNode node = ChaskiNode.builder().name("local").build();
		ChaskiStorage opened = ChaskiStorage.open(node, settings, new DefaultPayloadCodec(), this.clock);
		this.open.add(opened);
		this.open.add(node);
		return opened;
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.open) {
			closeable.close();
		}
	}

	@Test
	void valuesRoundTripThroughTheCodec() {
		Reading reading = new Reading("s-1", 21.5, List.of("kitchen", "north"));
		this.storage.put("text", "héllo");
		this.storage.put("bytes", new byte[] { 0, -1, 42 });
		this.storage.put("object", reading);
		this.storage.put("map", Map.of("a", 1));

		assertThat(this.storage.get("text", String.class)).contains("héllo");
		assertThat(this.storage.get("bytes", byte[].class)).hasValueSatisfying(
				bytes -> assertThat(bytes).containsExactly(0, -1, 42));
		assertThat(this.storage.get("object", Reading.class)).contains(reading);
		assertThat(this.storage.get("map", Map.class)).contains(Map.of("a", 1));
		assertThat(this.storage.get("missing", String.class)).isEmpty();
	}

	@Test
	void putReplacesTheValue() {
		this.storage.put("k", "one");
		this.storage.put("k", "two");
		assertThat(this.storage.get("k", String.class)).contains("two");
		assertThat(this.storage.size()).isEqualTo(1);
	}

	@Test
	void theUpsertKeepsEveryColumnOfTheWinningWriteOnly() {
		EntryStore store = this.storage.store();
		String a = "00000000-0000-0000-0000-00000000000a";
		String b = "00000000-0000-0000-0000-00000000000b";
		assertThat(store.write(new StorageEntry("k", new byte[] { 1 }, "text/plain", 77, 10, a, false))).isTrue();
		assertThat(store.write(new StorageEntry("k", new byte[] { 2 }, null, 88, 9, b, false))).isFalse();
		assertThat(store.write(new StorageEntry("k", new byte[] { 3 }, null, 99, 10, b, true))).isTrue();
		assertThat(store.write(new StorageEntry("k", new byte[] { 4 }, null, 5, 10, a, false))).isFalse();

		StorageEntry row = store.rows().findEntry("k").orElseThrow();
		assertThat(row.value()).containsExactly(3);
		assertThat(row).extracting(StorageEntry::contentType, StorageEntry::expiresAt, StorageEntry::hlc,
				StorageEntry::origin, StorageEntry::deleted)
			.containsExactly(null, 99L, 10L, b, true);
		assertThat(store.rows().findEntry("other")).isEmpty();
	}

	@Test
	void keysExpireByTheClockAndAreDeletedLazilyAndBySweeps() {
		this.storage.put("short", "s", Duration.ofSeconds(10));
		this.storage.put("forever", "f", Duration.ZERO);
		this.storage.put("default", "d"); // 1 h

		this.clock.advance(Duration.ofSeconds(9));
		assertThat(this.storage.get("short", String.class)).contains("s");
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.storage.contains("short")).isFalse();
		assertThat(this.storage.get("short", String.class)).isEmpty();
		assertThat(this.storage.keys("")).containsExactly("default", "forever");
		assertThat(this.storage.purgeExpired()).isZero(); // the read above deleted the row already

		this.clock.advance(Duration.ofHours(1));
		assertThat(this.storage.keys("")).containsExactly("forever");
		assertThat(this.storage.purgeExpired()).isEqualTo(1);
		assertThat(this.storage.stats().purged()).isEqualTo(1);
		assertThat(this.storage.get("forever", String.class)).contains("f");
	}

	@Test
	void aPeriodicSweepDeletesExpiredKeysThatNobodyReads() {
		StorageSettings defaults = StorageSettings.of(this.directory.resolve("swept.db"));
		ChaskiStorage swept = open(new StorageSettings(defaults.file(), defaults.defaultTtl(), defaults.fetchTimeout(),
				defaults.busyTimeout(), Duration.ofMillis(50), defaults.maxKeyLength(), defaults.maxValueBytes(),
				defaults.maxPendingRequests(), defaults.requestQueueCapacity(), defaults.replication()));
		swept.put("short", "s", Duration.ofSeconds(10));
		swept.put("forever", "f", Duration.ZERO);
		this.clock.advance(Duration.ofSeconds(10));
		// no read, no purgeExpired() call: only the sweep on the storage's timer deletes the row
		await().atMost(Duration.ofSeconds(10)).until(() -> swept.stats().purged() == 1);
		assertThat(swept.store().rows().findEntry("short")).isEmpty();
		assertThat(swept.get("forever", String.class)).contains("f");
	}

	@Test
	void anExpiredKeyCannotBeTaken() {
		this.storage.put("k", "v", Duration.ofSeconds(1));
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.storage.take("k", String.class)).isEmpty();
	}

	@Test
	void takeGetsAndDeletesAndOnlyOneOfManyConcurrentTakesWins() throws Exception {
		this.storage.put("once", "v");
		assertThat(this.storage.take("once", String.class)).contains("v");
		assertThat(this.storage.take("once", String.class)).isEmpty();
		assertThat(this.storage.contains("once")).isFalse();

		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			for (int round = 0; round < 20; round++) {
				String key = "race-" + round;
				this.storage.put(key, round);
				List<Callable<Optional<Integer>>> takers = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					takers.add(() -> this.storage.take(key, Integer.class));
				}
				int winners = 0;
				for (Future<Optional<Integer>> result : threads.invokeAll(takers)) {
					winners += result.get().isPresent() ? 1 : 0;
				}
				assertThat(winners).as("round %d", round).isEqualTo(1);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void deleteSaysWhetherThereWasAValue() {
		this.storage.put("k", "v");
		assertThat(this.storage.delete("k")).isTrue();
		assertThat(this.storage.delete("k")).isFalse();
		assertThat(this.storage.get("k", String.class)).isEmpty();
	}

	@Test
	void keysMatchTheirPrefixExactly() {
		for (String key : List.of("sensor/1", "sensor/2", "Sensor/3", "sensors", "sen%x", "sen_y", "other")) {
			this.storage.put(key, key);
		}
		assertThat(this.storage.keys("sensor/")).containsExactly("sensor/1", "sensor/2");
		assertThat(this.storage.keys("sen%")).containsExactly("sen%x");
		assertThat(this.storage.keys("sen_")).containsExactly("sen_y");
		assertThat(this.storage.keys("nothing")).isEmpty();
		assertThat(this.storage.keys("")).hasSize(7);
	}

	@Test
	void clearDeletesEverything() {
		this.storage.put("a", "1");
		this.storage.put("b", "2");
		this.storage.clear();
		assertThat(this.storage.keys("")).isEmpty();
		assertThat(this.storage.size()).isZero();
	}

	@Test
	void limitsAreCheckedWithClearErrors() {
		ChaskiStorage small = open(StorageSettings.of(this.directory.resolve("small.db")).withLimits(8, 16));
		assertThatThrownBy(() -> small.put("123456789", "v")).isInstanceOf(ChaskiStorageException.class)
			.hasMessageContaining("9 characters")
			.hasMessageContaining("chaski.storage.max-key-length");
		assertThatThrownBy(() -> small.put("k", "x".repeat(17))).isInstanceOf(ChaskiStorageException.class)
			.hasMessageContaining("17 bytes")
			.hasMessageContaining("chaski.storage.max-value-size");
		assertThatIllegalArgumentException().isThrownBy(() -> small.put("", "v"));
		assertThatIllegalArgumentException().isThrownBy(() -> small.put("k", "v", Duration.ofSeconds(-1)));
		small.put("12345678", "x".repeat(16));
		assertThat(small.get("12345678", String.class)).contains("x".repeat(16));
	}

	@Test
	void aCorruptValueIsReportedNamingTheKey() throws Exception {
		Path file = this.storage.file();
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
				PreparedStatement insert = connection.prepareStatement(
						"INSERT INTO chaski_entry (entry_key, entry_value, content_type, expires_at) VALUES (?, ?, ?, 0)")) {
			insert.setString(1, "broken");
			insert.setBytes(2, "{not json".getBytes());
			insert.setString(3, DefaultPayloadCodec.JSON);
			insert.executeUpdate();
		}
		assertThatThrownBy(() -> this.storage.get("broken", Reading.class)).isInstanceOf(ChaskiStorageException.class)
			.hasMessageContaining("'broken'")
			.hasMessageContaining("9 bytes, application/json")
			.hasMessageContaining("cannot be read as " + Reading.class.getName());
	}

	@Test
	void theFileIsInWalModeWithABusyTimeoutAndSurvivesReopening() {
		JdbcTemplate jdbc = new JdbcTemplate(this.storage.store().dataSource());
		assertThat(jdbc.queryForObject("PRAGMA journal_mode", String.class)).isEqualToIgnoringCase("wal");
		assertThat(jdbc.queryForObject("PRAGMA busy_timeout", Integer.class)).isEqualTo(5000);
		assertThat(jdbc.queryForObject("PRAGMA synchronous", Integer.class)).as("NORMAL").isEqualTo(1);

		this.storage.put("kept", "v", Duration.ZERO);
		this.storage.close();
		this.open.remove(this.storage);
		ChaskiStorage reopened = open(StorageSettings.of(this.directory.resolve("node.db")));
		assertThat(reopened.get("kept", String.class)).contains("v");
		assertThat(reopened.isReachable()).isTrue();
		assertThat(reopened.fileBytes()).isPositive();
	}

	@Test
	void aFileOfTheFirstSchemaIsMigratedWithoutLosingData() throws Exception {
		Path old = this.directory.resolve("old.db");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + old)) {
			connection.createStatement().execute("CREATE TABLE chaski_entry (entry_key TEXT NOT NULL PRIMARY KEY, "
					+ "entry_value BLOB NOT NULL, content_type TEXT, expires_at INTEGER NOT NULL DEFAULT 0)");
			connection.createStatement().execute("INSERT INTO chaski_entry VALUES ('kept', X'6F6C64', NULL, 0)");
		}
		ChaskiStorage migrated = open(StorageSettings.of(old));
		assertThat(migrated.get("kept", String.class)).contains("old");
		StorageEntry row = migrated.store().rows().findEntry("kept").orElseThrow();
		assertThat(row.hlc()).as("older than any write").isZero();
		assertThat(row.origin()).isEqualTo(StorageEntry.NO_ORIGIN);
		migrated.put("kept", "new");
		assertThat(migrated.get("kept", String.class)).contains("new");
		assertThat(migrated.store().rows().findEntry("kept").orElseThrow().hlc()).isPositive();
	}

	@Test
	void aFileThatIsNotADatabaseFailsClearly() throws Exception {
		Path garbage = this.directory.resolve("garbage.db");
		Files.write(garbage, "this is not a SQLite database, just some text long enough".repeat(100).getBytes());
		assertThatThrownBy(() -> open(StorageSettings.of(garbage))).isInstanceOf(ChaskiStorageException.class)
			.hasMessageContaining("Cannot open storage file " + garbage);
	}

}
