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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

import io.chaski.node.ChaskiNode;
import io.chaski.testing.TestNodes;
import io.chaski.wire.DefaultPayloadCodec;

/**
 * A JVM killed with SIGKILL in the middle of a stream of puts loses none that it acknowledged, and a replicating
 * member converges to them once the file is back.
 */
class StorageCrashTest {

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

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

		// the file reopened by a replicating node of the next process, and a member that never saw the writer
		ReplicationSettings replicating = ReplicationSettings.enabledWithDefaults();
		ChaskiNode after = this.nodes.start("after");
		ChaskiNode otherNode = this.nodes.start("other");
		try (ChaskiStorage storage = open(after, StorageSettings.of(file), replicating);
				ChaskiStorage other = open(otherNode, StorageSettings.of(this.directory.resolve("other.db")),
						replicating)) {
			JdbcTemplate jdbc = new JdbcTemplate(storage.store().dataSource());
			assertThat(jdbc.queryForObject("PRAGMA integrity_check", String.class)).isEqualTo("ok");
			for (int i = 0; i <= acked; i++) {
				assertThat(storage.get("key-" + i, String.class)).as("acknowledged put %d", i).contains("value-" + i);
			}
			assertThat(storage.size()).isGreaterThanOrEqualTo(acked + 1L);

			// the others converge to it: anti-entropy on the new link brings every acknowledged put
			TestNodes.connect(otherNode, after);
			await("the other member gets every acknowledged put").atMost(Duration.ofSeconds(60))
				.until(() -> other.size() == storage.size());
			for (int i = 0; i <= acked; i++) {
				assertThat(other.get("key-" + i, String.class)).as("replicated put %d", i).contains("value-" + i);
			}
		}
	}

	private static ChaskiStorage open(ChaskiNode node, StorageSettings settings, ReplicationSettings replication) {
		return ChaskiStorage.open(node, settings.withReplication(replication), new DefaultPayloadCodec(),
				Clock.systemUTC());
	}

}
