package io.chaski.files;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.StreamerSettings;
import io.chaski.testing.RawPeer;
import io.chaski.testing.TestNodes;
import io.chaski.wire.DefaultPayloadCodec;
import io.chaski.wire.EnvelopeKind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The receiver's half of flow control, against a raw sender: a new window is granted each time a quarter of one
 * was written (so a sender never runs dry while a credit travels), and the resume sidecar is rewritten only every
 * half window, never ahead of what was written.
 */
class ReceiverCreditTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final int CHUNK = FileTransferTest.CHUNK;

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@TempDir
	Path tmp;

	private ChaskiStreamer receiver;

	private RawPeer peer;

	@AfterEach
	void close() {
		if (this.peer != null) {
			this.peer.close();
		}
		if (this.receiver != null) {
			this.receiver.close();
		}
	}

	@Test
	void aWindowIsGrantedEachQuarterWindowWrittenAndTheSidecarEveryHalf() {
		FileSettings settings = FileTransferTest.settings(true, this.tmp.resolve("inbox"));
		int window = settings.window();
		assertThat(window).isEqualTo(8 * CHUNK); // a quarter is two chunks, a half four
		ChaskiNode node = this.nodes.start(this.nodes.builder("receiver").subscriptions("files")
			.keepAliveInterval(Duration.ZERO)); // the raw peer answers no pings
		this.receiver = new ChaskiStreamer(node, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(), settings);
		this.peer = RawPeer.connect(node);
		this.peer.handshake("raw", List.of("files"));
		FileMessages.Start start = new FileMessages.Start(3, 16L * CHUNK, 0, "flow.bin", Map.of());
		PartialFile partial = PartialFile.of(settings.directory(), "raw", start);
		send(EnvelopeKind.FILE_START, FileMessages.start(start));
		assertThat(nextCredit()).isEqualTo(new FileMessages.Credit(3, 0, window));

		// one chunk, then a second: the credit comes after the second (a quarter), not after each chunk
		sendChunk(0);
		sendChunk(1);
		assertThat(nextCredit()).isEqualTo(new FileMessages.Credit(3, 2L * CHUNK, 2L * CHUNK + window));
		assertThat(partial.resumable(settings.resumeWindow())).isZero(); // a quarter: the sidecar still says 0

		sendChunk(2);
		sendChunk(3);
		assertThat(nextCredit()).isEqualTo(new FileMessages.Credit(3, 4L * CHUNK, 4L * CHUNK + window));
		assertThat(partial.resumable(settings.resumeWindow())).isEqualTo(4L * CHUNK); // half a window since 0
	}

	private FileMessages.Credit nextCredit() {
		return FileMessages.readCredit(this.peer.next(EnvelopeKind.FILE_CREDIT, WAIT).payload());
	}

	private void sendChunk(int index) {
		byte[] payload = FileMessages.chunk(3, (long) index * CHUNK, CHUNK);
		payload[FileMessages.CHUNK_HEADER_BYTES] = (byte) index;
		send(EnvelopeKind.FILE_CHUNK, payload);
	}

	private void send(EnvelopeKind kind, byte[] payload) {
		this.peer.send(kind, "files", payload);
	}

}
