package io.chaski.node;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.chaski.files.FileSettings;
import io.chaski.files.FileTransferResult;
import io.chaski.files.TransferInfo;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.StreamerSettings;
import io.chaski.testing.TestNodes;
import io.chaski.wire.DefaultPayloadCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A file transfer whose link is cut half-way resumes from the offset the receiver holds once the nodes are linked
 * again, instead of starting over. (In this package to cut the connection as a network failure would.)
 */
class FileResumeTest {

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@TempDir
	Path tmp;

	@Test
	void aCutLinkResumesFromTheLastAcknowledgedOffset() throws Exception {
		long size = 8L * 1024 * 1024;
		// small chunks and one chunk in flight: slow enough on loopback to cut it half-way
		FileSettings slow = new FileSettings(true, this.tmp.resolve("inbox"), 1L << 30, false, 4096, 4096,
				Duration.ofSeconds(20), 4, 1, FileSettings.DEFAULTS.resumeWindow());
		ChaskiNode a = this.nodes.start("sender");
		ChaskiNode b = this.nodes.start("receiver", "files");
		try (ChaskiStreamer sender = new ChaskiStreamer(a, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(), slow);
				ChaskiStreamer receiver = new ChaskiStreamer(b, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(),
						slow)) {
			TestNodes.connect(a, b);
			TestNodes.awaitKnowsTopic(a, b, "files");
			Path file = randomFile(size);

			var transfer = sender.pushFile("files", file);
			await().atMost(Duration.ofSeconds(30)).until(() -> receiver.files().active().stream()
				.mapToLong(TransferInfo::transferred).anyMatch(written -> written >= size / 4));
			long writtenAtCut = receiver.files().stats().bytesReceived();
			assertThat(writtenAtCut).as("cut half-way, not at the end").isLessThan(size);
			Edge edge = a.edges().stream().filter(e -> e.nodeId().equals(b.id())).findFirst().orElseThrow();
			edge.connection().close();

			FileTransferResult result = transfer.get(60, TimeUnit.SECONDS);
			assertThat(result.allStored()).as("%s", result).isTrue();
			assertThat(Files.mismatch(file, this.tmp.resolve("inbox").resolve("data.bin"))).isEqualTo(-1);
			long resent = sender.files().stats().bytesSent() - size;
			assertThat(resent).as("bytes sent again after the cut").isLessThan(size / 8);
			assertThat(a.stats().reconnects() + b.stats().reconnects()).isPositive();
		}
	}

	private Path randomFile(long size) throws IOException {
		Path file = this.tmp.resolve("data.bin");
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

}
