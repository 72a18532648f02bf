package io.chaski.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

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
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The link drops after the receiver stored a file but before its answer arrived: the sender's offer on
 * reconnection is answered stored (the very file is in place), not refused because the name is taken. The offer has
 * no hash, so the receiver's first credit says it holds every byte, and the end's hash decides, with no chunk sent
 * again. A raw peer plays the sender, so the link is cut exactly there: after the end, before reading the answer.
 */
class LostAnswerTest {

	static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@TempDir
	Path tmp;

	ChaskiStreamer receiver;

	@AfterEach
	void close() {
		if (this.receiver != null) {
			this.receiver.close();
		}
	}

	@Test
	void theOfferAfterALostAnswerIsAnsweredStoredAndOnlyTheSameFileCounts() throws Exception {
		Path inbox = this.tmp.resolve("inbox");
		ChaskiNode node = this.nodes.start(this.nodes.builder("receiver").subscriptions("files")
			.keepAliveInterval(Duration.ZERO));
		this.receiver = new ChaskiStreamer(node, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(),
				FileTransferTest.settings(true, inbox));
		byte[] data = new byte[300_000];
		new Random(11).nextBytes(data);
		byte[] hash = MessageDigest.getInstance("SHA-256").digest(data);
		FileMessages.Start start = new FileMessages.Start(42, data.length, 7, "report.bin", Map.of());

		try (RawPeer sender = RawPeer.connect(node)) {
			sender.handshake("sender", List.of());
			send(sender, EnvelopeKind.FILE_START, FileMessages.start(start));
			FileMessages.Credit credit = FileMessages.readCredit(
					sender.next(EnvelopeKind.FILE_CREDIT, WAIT).payload());
			assertThat(credit.limit()).isGreaterThanOrEqualTo(data.length);
			byte[] chunk = FileMessages.chunk(42, 0, data.length);
			System.arraycopy(data, 0, chunk, FileMessages.CHUNK_HEADER_BYTES, data.length);
			send(sender, EnvelopeKind.FILE_CHUNK, chunk);
			send(sender, EnvelopeKind.FILE_END, FileMessages.end(new FileMessages.End(42, hash)));
		} // cut before the answer is read
		await().atMost(WAIT).until(() -> Files.exists(inbox.resolve("report.bin")));

		try (RawPeer again = RawPeer.connect(node)) {
			again.handshake("sender", List.of());
			send(again, EnvelopeKind.FILE_START, FileMessages.start(start));
			FileMessages.Credit held = FileMessages.readCredit(again.next(EnvelopeKind.FILE_CREDIT, WAIT).payload());
			assertThat(held.acknowledged()).as("every byte is held: none is to be sent again").isEqualTo(data.length);
			send(again, EnvelopeKind.FILE_END, FileMessages.end(new FileMessages.End(42, hash)));
			assertThat(nextResult(again)).isEqualTo(new FileMessages.Result(42, FileOutcome.STORED, ""));

			// the same name and size with other content is refused: the file in place is not someone else's
			byte[] other = data.clone();
			other[0] ^= 1;
			send(again, EnvelopeKind.FILE_START, FileMessages.start(new FileMessages.Start(43, other.length, 7,
					"report.bin", Map.of())));
			again.next(EnvelopeKind.FILE_CREDIT, WAIT);
			send(again, EnvelopeKind.FILE_END, FileMessages.end(
					new FileMessages.End(43, MessageDigest.getInstance("SHA-256").digest(other))));
			FileMessages.Result refused = nextResult(again);
			assertThat(refused.transferId()).isEqualTo(43);
			assertThat(refused.outcome()).isEqualTo(FileOutcome.REFUSED);

			// another size is refused at once
			send(again, EnvelopeKind.FILE_START, FileMessages.start(new FileMessages.Start(44, data.length + 1, 7,
					"report.bin", Map.of())));
			assertThat(nextResult(again).outcome()).isEqualTo(FileOutcome.REFUSED);
		}
		assertThat(Files.readAllBytes(inbox.resolve("report.bin"))).isEqualTo(data);
		assertThat(FileTransferTest.listNames(inbox)).containsExactly("report.bin");
	}

	private static FileMessages.Result nextResult(RawPeer peer) {
		return FileMessages.readResult(peer.next(EnvelopeKind.FILE_RESULT, WAIT).payload());
	}

	private static void send(RawPeer peer, EnvelopeKind kind, byte[] payload) {
		peer.send(new Envelope(kind, peer.id(), peer.nextId(), 1, System.currentTimeMillis(), "files", Map.of(),
				payload));
	}

}
