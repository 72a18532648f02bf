package io.chaski.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

import io.chaski.node.ChaskiNode;
import io.chaski.wire.DefaultPayloadCodec;

/** A JVM killed with SIGKILL in the middle of a stream of puts loses none that it acknowledged. */
class StorageCrashTest {

	@TempDir
	Path directory;

	@Test
	void everyAcknowledgedPutSurvivesAKillDashNine() throws Exception {
		Path file = this.directory.resolve("crash.db");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				CrashWriter.class.getName(), file.toString())
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		AtomicInteger lastAcked = new AtomicInteger(-1);
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					if (line.startsWith("acked ")) {
						lastAcked.set(Integer.parseInt(line.substring(6).trim()));
					}
				}
			}
			catch (Exception ex) {
				// the stream ends when the process dies
			}
		});
		reader.start();
		try {
			await("the writer acknowledges puts").atMost(Duration.ofSeconds(60)).until(() -> lastAcked.get() >= 200);
		}
		finally {
			writer.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
		}
		assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
		reader.join(10_000);
		int acked = lastAcked.get();
		assertThat(writer.exitValue()).as("killed by signal 9").isEqualTo(137);

		ChaskiNode node = ChaskiNode.builder().name("after").build();
		try (ChaskiStorage storage = ChaskiStorage.open(node, StorageSettings.of(file), new DefaultPayloadCodec(),
				Clock.systemUTC())) {
			JdbcTemplate jdbc = new JdbcTemplate(storage.store().dataSource());
			assertThat(jdbc.queryForObject("PRAGMA integrity_check", String.class)).isEqualTo("ok");
			for (int i = 0; i <= acked; i++) {
				assertThat(storage.get("key-" + i, String.class)).as("acknowledged put %d", i).contains("value-" + i);
			}
			assertThat(storage.size()).isGreaterThanOrEqualTo(acked + 1L);
		}
	}

}
