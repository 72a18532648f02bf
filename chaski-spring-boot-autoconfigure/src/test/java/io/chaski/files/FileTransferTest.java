package io.chaski.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.ChaskiSubscription;
import io.chaski.streamer.StreamerSettings;
import io.chaski.testing.TestNodes;
import io.chaski.wire.DefaultPayloadCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Files between two real nodes on loopback: intact (SHA-256 on both ends), atomic, refused when they should be.
 */
class FileTransferTest {

	static final int CHUNK = 64 * 1024;

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@TempDir
	Path tmp;

	final List<ChaskiStreamer> streamers = new ArrayList<>();

	@AfterEach
	void closeStreamers() {
		this.streamers.forEach(ChaskiStreamer::close);
	}

	/** Sizes around the chunk boundary and a multi-megabyte file. */
	@ParameterizedTest
	@ValueSource(ints = { 0, 1, CHUNK, CHUNK + 1, 10 * 1024 * 1024 })
	void filesArriveIntactAndWhole(int size) throws Exception {
		Path inbox = this.tmp.resolve("inbox");
		Pair pair = pair(settings(true, inbox));
		List<ReceivedFile> received = new CopyOnWriteArrayList<>();
		List<String> partialSeen = new CopyOnWriteArrayList<>();
		pair.receiver.files().addListener(received::add);
		Path file = randomFile("data-" + size + ".bin", size);
		Path target = inbox.resolve(file.getFileName().toString());
		Thread watcher = watchForPartial(target, size, partialSeen);

		FileTransferResult result = pair.sender.pushFile("files", file, Map.of("kind", "test"))
			.get(30, TimeUnit.SECONDS);
		watcher.interrupt();

		assertThat(result.allStored()).as("%s", result).isTrue();
		assertThat(result.deliveries()).hasSize(1);
		assertThat(result.sha256()).isEqualTo(sha256(file));
		assertThat(sha256(target)).isEqualTo(sha256(file));
		await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
		ReceivedFile arrived = received.get(0);
		assertThat(arrived.path()).isEqualTo(target);
		assertThat(arrived.size()).isEqualTo(size);
		assertThat(arrived.sha256()).isEqualTo(sha256(file));
		assertThat(arrived.metadata()).containsEntry("kind", "test");
		assertThat(arrived.origin()).isEqualTo(pair.sender.node().id());
		assertThat(arrived.topic()).isEqualTo("files");
		assertThat(partialSeen).as("a partial file under the final name").isEmpty();
		assertThat(listNames(inbox)).containsExactly(target.getFileName().toString());
		assertThat(pair.receiver.files().stats().received(FileOutcome.STORED)).isEqualTo(1);
		assertThat(pair.sender.files().stats().sent(FileOutcome.STORED)).isEqualTo(1);
	}

	@Test
	void receivingOffRefusesAndWritesNothing() throws Exception {
		Path inbox = this.tmp.resolve("inbox");
		Pair pair = pair(settings(false, inbox));
		FileTransferResult result = pair.sender.pushFile("files", randomFile("a.bin", 1000)).get(30, TimeUnit.SECONDS);
		FileDelivery delivery = result.deliveries().get(pair.receiver.node().id());
		assertThat(delivery.outcome()).isEqualTo(FileOutcome.REFUSED);
		assertThat(delivery.reason()).contains("chaski.files.enabled");
		assertThat(inbox).doesNotExist();
	}

	@Test
	void overMaxSizeIsRefusedBeforeAnyByteIsWritten() throws Exception {
		Path inbox = this.tmp.resolve("inbox");
		FileSettings small = new FileSettings(true, inbox, 1000, false, CHUNK, 4 * CHUNK, Duration.ofSeconds(10), 4, 2,
				FileSettings.DEFAULTS.resumeWindow());
		Pair pair = pair(small);
		FileTransferResult result = pair.sender.pushFile("files", randomFile("big.bin", 1001)).get(30, TimeUnit.SECONDS);
		FileDelivery delivery = result.deliveries().get(pair.receiver.node().id());
		assertThat(delivery.outcome()).isEqualTo(FileOutcome.REFUSED);
		assertThat(delivery.reason()).contains("chaski.files.max-size");
		assertThat(inbox).doesNotExist();
		assertThat(pair.sender.files().stats().bytesSent()).isZero();
	}

	@ParameterizedTest(name = "chaski.files.overwrite={0}")
	@ValueSource(booleans = { false, true })
	void anExistingFileIsReplacedOnlyWhenOverwriteIsOn(boolean overwrite) throws Exception {
		Path inbox = Files.createDirectories(this.tmp.resolve("inbox"));
		Files.writeString(inbox.resolve("same.txt"), "original");
		Pair pair = pair(new FileSettings(true, inbox, 1L << 30, overwrite, CHUNK, 8 * CHUNK, Duration.ofSeconds(20), 8,
				2, FileSettings.DEFAULTS.resumeWindow()));
		Path file = this.tmp.resolve("same.txt");
		Files.writeString(file, "replacement");
		FileTransferResult result = pair.sender.pushFile("files", file).get(30, TimeUnit.SECONDS);
		assertThat(result.deliveries().get(pair.receiver.node().id()).outcome())
			.isEqualTo(overwrite ? FileOutcome.STORED : FileOutcome.REFUSED);
		assertThat(Files.readString(inbox.resolve("same.txt"))).isEqualTo(overwrite ? "replacement" : "original");
		assertThat(listNames(inbox)).as("no partial file left").containsExactly("same.txt");
	}

	@Test
	void topicMessagesKeepFlowingDuringALargeTransfer() throws Exception {
		Path inbox = this.tmp.resolve("inbox");
		Pair pair = pair(settings(true, inbox));
		ChaskiSubscription<String> news = pair.receiver.subscribe("news", String.class);
		TestNodes.awaitKnowsTopic(pair.sender.node(), pair.receiver.node(), "news");
		Path file = randomFile("large.bin", 64L * 1024 * 1024);

		CompletableFuture<FileTransferResult> transfer = pair.sender.pushFile("files", file);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> !pair.receiver.files().active().isEmpty() || transfer.isDone());
		int duringTransfer = 0;
		List<Long> latencies = new ArrayList<>();
		while (!pair.receiver.files().active().isEmpty() && latencies.size() < 1000) {
			long sent = System.nanoTime();
			pair.sender.publish("news", "tick");
			assertThat(news.poll(Duration.ofSeconds(10))).as("a topic message during the transfer").isNotNull();
			latencies.add(System.nanoTime() - sent);
			// the message came through while chunks were still flowing on the same link
			if (!pair.receiver.files().active().isEmpty()) {
				duringTransfer++;
			}
		}
		assertThat(transfer.get(60, TimeUnit.SECONDS).allStored()).isTrue();
		assertThat(duringTransfer).as("messages delivered while the file was still arriving").isPositive();
		latencies.sort(null);
		System.out.printf("topic latency during a 64 MiB transfer: %d messages, p50 %.2f ms, p99 %.2f ms%n",
				latencies.size(), latencies.get(latencies.size() / 2) / 1e6,
				latencies.get(latencies.size() * 99 / 100) / 1e6);
	}

	@Test
	void cancellingThePushDeletesWhatTheReceiverHolds() throws Exception {
		Path inbox = this.tmp.resolve("inbox");
		// one small chunk in flight at a time: slow enough to cancel half-way
		Pair pair = pair(new FileSettings(true, inbox, 1L << 30, false, 4096, 4096, Duration.ofSeconds(20), 4, 1,
				FileSettings.DEFAULTS.resumeWindow()));
		CompletableFuture<FileTransferResult> transfer = pair.sender.pushFile("files",
				randomFile("cancelled.bin", 8L * 1024 * 1024));
		await().atMost(Duration.ofSeconds(30)).until(() -> pair.receiver.files().active().stream()
			.anyMatch(info -> info.transferred() > 0));
		assertThat(transfer.cancel(true)).isTrue();
		await().atMost(Duration.ofSeconds(20)).until(() -> pair.receiver.files().active().isEmpty()
				&& pair.sender.files().active().isEmpty() && listNames(inbox).isEmpty());
		assertThat(pair.receiver.files().stats().received(FileOutcome.FAILED)).isEqualTo(1);
		assertThat(pair.receiver.files().stats().received(FileOutcome.STORED)).isZero();
	}

	// ---------------------------------------------------------------- fixtures

	static FileSettings settings(boolean enabled, Path directory) {
		return new FileSettings(enabled, directory, 1L << 30, false, CHUNK, 8 * CHUNK, Duration.ofSeconds(20), 8, 2,
				FileSettings.DEFAULTS.resumeWindow());
	}

	record Pair(ChaskiStreamer sender, ChaskiStreamer receiver) {
	}

	Pair pair(FileSettings receiving) {
		ChaskiNode a = this.nodes.start("sender");
		ChaskiNode b = this.nodes.start("receiver", "files");
		ChaskiStreamer sender = streamer(a, settings(false, this.tmp.resolve("sender-inbox")));
		ChaskiStreamer receiver = streamer(b, receiving);
		TestNodes.connect(a, b);
		TestNodes.awaitKnowsTopic(a, b, "files");
		return new Pair(sender, receiver);
	}

	ChaskiStreamer streamer(ChaskiNode node, FileSettings settings) {
		ChaskiStreamer streamer = new ChaskiStreamer(node, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(),
				settings);
		this.streamers.add(streamer);
		return streamer;
	}

	Path randomFile(String name, long size) throws IOException {
		return randomFile(this.tmp, name, size);
	}

	static Path randomFile(Path directory, String name, long size) throws IOException {
		Path file = directory.resolve(name);
		Random random = new Random(size);
		byte[] block = new byte[64 * 1024];
		try (OutputStream out = Files.newOutputStream(file)) {
			for (long left = size; left > 0; left -= block.length) {
				random.nextBytes(block);
				out.write(block, 0, (int) Math.min(block.length, left));
			}
		}
		return file;
	}

	/** Records it if the final name ever shows a file of another size than the whole. */
	static Thread watchForPartial(Path target, long size, List<String> partialSeen) {
		Thread thread = new Thread(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				try {
					if (Files.exists(target) && Files.size(target) != size) {
						partialSeen.add(target + " had " + Files.size(target) + " bytes");
					}
				}
				catch (IOException ex) {
					// vanished between the two calls: not a partial file
				}
				Thread.onSpinWait();
			}
		});
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	static String sha256(Path file) throws Exception {
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
			in.transferTo(OutputStream.nullOutputStream());
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	static List<String> listNames(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.map(path -> path.getFileName().toString()).toList();
		}
	}

}
