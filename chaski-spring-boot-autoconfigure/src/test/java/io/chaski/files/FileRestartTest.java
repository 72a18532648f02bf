package io.chaski.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.StreamerSettings;
import io.chaski.testing.TestNodes;
import io.chaski.wire.DefaultPayloadCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A transfer survives a restart of either node: the receiver keeps its partial file and sidecar, and the same file
 * from a node of the same name goes on from the receiver's offset instead of starting over.
 */
class FileRestartTest {

	static final long SIZE = 4L * 1024 * 1024;

	static final Duration WAIT = Duration.ofSeconds(60);

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@TempDir
	Path tmp;

	final List<ChaskiStreamer> streamers = new ArrayList<>();

	@AfterEach
	void closeStreamers() {
		this.streamers.forEach(ChaskiStreamer::close);
	}

	@Test
	void aRestartedReceiverResumesFromItsPartialFile() throws Exception {
		Path inbox = this.tmp.resolve("inbox");
		ChaskiNode a = this.nodes.start("sender");
		ChaskiNode b = this.nodes.start("receiver", "files");
		ChaskiStreamer sender = streamer(a, slow(false, this.tmp.resolve("unused")));
		ChaskiStreamer receiver = streamer(b, slow(true, inbox));
		TestNodes.connect(a, b);
		TestNodes.awaitKnowsTopic(a, b, "files");
		Path file = FileTransferTest.randomFile(this.tmp, "data.bin", SIZE);

		CompletableFuture<FileTransferResult> transfer = sender.pushFile("files", file);
		awaitWritten(receiver, SIZE / 4);
		receiver.close();
		b.stop();
		await().atMost(WAIT).until(() -> a.peer(b.id()).isEmpty());
		assertThat(inbox.resolve("data.bin")).doesNotExist();
		assertThat(FileTransferTest.listNames(inbox)).anyMatch(name -> name.endsWith(PartialFile.SIDECAR));

		// the receiver's next process: same name and directory, a new id
		ChaskiNode again = this.nodes.start("receiver", "files");
		ChaskiStreamer receiverAgain = streamer(again, slow(true, inbox));
		TestNodes.connect(a, again);

		FileTransferResult result = transfer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(result.allStored()).as("%s", result).isTrue();
		assertThat(result.deliveries().get(b.id()).nodeId()).isEqualTo(again.id());
		assertThat(Files.mismatch(file, inbox.resolve("data.bin"))).isEqualTo(-1);
		long resent = sender.files().stats().bytesSent() - SIZE;
		System.out.printf("receiver restarted: %d of %d bytes sent again%n", resent, SIZE);
		assertThat(resent).as("bytes sent again after the restart").isLessThan(SIZE / 8);
		assertThat(receiverAgain.files().stats().bytesReceived()).isLessThan(SIZE * 7 / 8);
		// nothing but the file is left: partial file and sidecar are gone
		assertThat(FileTransferTest.listNames(inbox)).containsExactly("data.bin");
	}

	@Test
	void aRestartedSenderPushingTheSameFileResumes() throws Exception {
		Path inbox = this.tmp.resolve("inbox");
		ChaskiNode a = this.nodes.start("sender");
		ChaskiNode b = this.nodes.start("receiver", "files");
		ChaskiStreamer sender = streamer(a, slow(false, this.tmp.resolve("unused")));
		ChaskiStreamer receiver = streamer(b, slow(true, inbox));
		TestNodes.connect(a, b);
		TestNodes.awaitKnowsTopic(a, b, "files");
		Path file = FileTransferTest.randomFile(this.tmp, "data.bin", SIZE);

		CompletableFuture<FileTransferResult> first = sender.pushFile("files", file);
		awaitWritten(receiver, SIZE / 4);
		sender.close();
		a.stop();
		FileDelivery stopped = first.get(WAIT.toSeconds(), TimeUnit.SECONDS).deliveries().get(b.id());
		assertThat(stopped.outcome()).isEqualTo(FileOutcome.FAILED);
		long sentBefore = sender.files().stats().bytesSent();
		await().atMost(WAIT).until(() -> b.peer(a.id()).isEmpty());

		ChaskiNode again = this.nodes.start("sender");
		ChaskiStreamer senderAgain = streamer(again, slow(false, this.tmp.resolve("unused")));
		TestNodes.connect(again, b);
		TestNodes.awaitKnowsTopic(again, b, "files");
		FileTransferResult result = senderAgain.pushFile("files", file).get(WAIT.toSeconds(), TimeUnit.SECONDS);

		assertThat(result.allStored()).as("%s", result).isTrue();
		assertThat(Files.mismatch(file, inbox.resolve("data.bin"))).isEqualTo(-1);
		long resent = sentBefore + senderAgain.files().stats().bytesSent() - SIZE;
		System.out.printf("sender restarted: %d of %d bytes sent again%n", resent, SIZE);
		assertThat(resent).as("bytes sent again by the restarted sender").isLessThan(SIZE / 8);
		assertThat(FileTransferTest.listNames(inbox)).containsExactly("data.bin");
	}

	/** Small chunks, little in flight: slow enough on loopback to stop a node half-way. */
	static FileSettings slow(boolean receiving, Path directory) {
		return new FileSettings(receiving, directory, 1L << 30, false, 4096, 16384, Duration.ofSeconds(20), 4, 1,
				Duration.ofMinutes(5));
	}

	ChaskiStreamer streamer(ChaskiNode node, FileSettings settings) {
		ChaskiStreamer streamer = new ChaskiStreamer(node, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(),
				settings);
		this.streamers.add(streamer);
		return streamer;
	}

	static void awaitWritten(ChaskiStreamer receiver, long bytes) {
		await().atMost(WAIT).until(() -> receiver.files().active().stream()
			.anyMatch(info -> info.transferred() >= bytes));
	}

}
