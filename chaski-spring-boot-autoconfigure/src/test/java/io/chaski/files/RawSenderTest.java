package io.chaski.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import static org.awaitility.Awaitility.await;

/**
 * A receiving node against a raw peer that plays the sender, so that a test can cut the link or change the file
 * exactly where it wants.
 * <ul>
 * <li>The link drops after the receiver stored a file but before its answer arrived: the sender's offer on
 * reconnection is answered stored (the very file is in place), not refused because the name is taken. The offer
 * has no hash, so the receiver's first credit says it holds every byte, and the end's hash decides, with no chunk
 * sent again.</li>
 * <li>A resume is keyed by the sender's name and the file's name, size and last-modified time. A file rewritten
 * with the same size and time stamp between two pushes resumes on stale bytes: the end's hash then fails the
 * transfer, nothing is stored, the partial file is gone, and the next push starts over and stores the new
 * content.</li>
 * </ul>
 */
class RawSenderTest {

	static final Duration WAIT = Duration.ofSeconds(10);

	static final int SIZE = 200_000;

	static final int HALF = 100_000;

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@TempDir
	Path tmp;

	Path inbox;

	ChaskiStreamer receiver;

	ChaskiNode node;

	@BeforeEach
	void receiver() {
		this.inbox = this.tmp.resolve("inbox");
		this.node = this.nodes.start(this.nodes.builder("receiver").subscriptions("files")
			.keepAliveInterval(Duration.ZERO)); // the raw peer answers no pings
		this.receiver = new ChaskiStreamer(this.node, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(),
				FileTransferTest.settings(true, this.inbox));
	}

	@AfterEach
	void close() {
		this.receiver.close();
	}

	@Test
	void theOfferAfterALostAnswerIsAnsweredStoredAndOnlyTheSameFileCounts() throws Exception {
		byte[] data = new byte[300_000];
		new Random(11).nextBytes(data);
		byte[] hash = MessageDigest.getInstance("SHA-256").digest(data);
		FileMessages.Start start = new FileMessages.Start(42, data.length, 7, "report.bin", Map.of());

		try (RawPeer sender = RawPeer.connect(this.node)) {
			sender.handshake("sender", List.of());
			send(sender, EnvelopeKind.FILE_START, FileMessages.start(start));
			FileMessages.Credit credit = FileMessages.readCredit(
					sender.next(EnvelopeKind.FILE_CREDIT, WAIT).payload());
			assertThat(credit.limit()).isGreaterThanOrEqualTo(data.length);
			sendChunk(sender, 42, data, 0, data.length);
			send(sender, EnvelopeKind.FILE_END, FileMessages.end(new FileMessages.End(42, hash)));
		} // cut before the answer is read
		await().atMost(WAIT).until(() -> Files.exists(this.inbox.resolve("report.bin")));

		try (RawPeer again = RawPeer.connect(this.node)) {
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
		assertThat(Files.readAllBytes(this.inbox.resolve("report.bin"))).isEqualTo(data);
		assertThat(FileTransferTest.listNames(this.inbox)).containsExactly("report.bin");
	}

	@Test
	void aFileChangedUnderTheSameKeyFailsItsResumeAndTheNextPushStoresIt() throws Exception {
		byte[] old = new byte[SIZE];
		new Random(1).nextBytes(old);
		byte[] changed = old.clone();
		changed[10] ^= 1; // in the half the receiver holds already

		try (RawPeer first = RawPeer.connect(this.node)) {
			first.handshake("sender", List.of());
			send(first, EnvelopeKind.FILE_START, start(1));
			first.next(EnvelopeKind.FILE_CREDIT, WAIT);
			sendChunk(first, 1, old, 0, HALF);
			await().atMost(WAIT).until(() -> this.receiver.files().active().stream()
				.anyMatch(info -> info.transferred() == HALF));
		} // the sender's process ends half-way

		try (RawPeer again = RawPeer.connect(this.node)) {
			again.handshake("sender", List.of());
			send(again, EnvelopeKind.FILE_START, start(2));
			FileMessages.Credit resumed = FileMessages.readCredit(
					again.next(EnvelopeKind.FILE_CREDIT, WAIT).payload());
			assertThat(resumed.acknowledged()).as("resumed under the same key").isEqualTo(HALF);
			sendChunk(again, 2, changed, HALF, SIZE - HALF);
			send(again, EnvelopeKind.FILE_END, end(2, changed));
			FileMessages.Result failed = nextResult(again);
			assertThat(failed.outcome()).isEqualTo(FileOutcome.FAILED);
			assertThat(failed.reason()).contains("SHA-256");
			await().atMost(WAIT).until(() -> FileTransferTest.listNames(this.inbox).isEmpty());

			send(again, EnvelopeKind.FILE_START, start(3));
			FileMessages.Credit fresh = FileMessages.readCredit(again.next(EnvelopeKind.FILE_CREDIT, WAIT).payload());
			assertThat(fresh.acknowledged()).as("nothing stale is kept: it starts over").isZero();
			sendChunk(again, 3, changed, 0, SIZE);
			send(again, EnvelopeKind.FILE_END, end(3, changed));
			assertThat(nextResult(again).outcome()).isEqualTo(FileOutcome.STORED);
		}
		assertThat(Files.readAllBytes(this.inbox.resolve("data.bin"))).isEqualTo(changed);
		assertThat(FileTransferTest.listNames(this.inbox)).containsExactly("data.bin");
	}

	/** Every push offers the same name, size and last-modified time. */
	private static byte[] start(long id) {
		return FileMessages.start(new FileMessages.Start(id, SIZE, 1_700_000_000_000L, "data.bin", Map.of()));
	}

	private static byte[] end(long id, byte[] content) throws Exception {
		return FileMessages.end(new FileMessages.End(id, MessageDigest.getInstance("SHA-256").digest(content)));
	}

	private static void sendChunk(RawPeer peer, long id, byte[] data, int from, int length) {
		byte[] payload = FileMessages.chunk(id, from, length);
		System.arraycopy(data, from, payload, FileMessages.CHUNK_HEADER_BYTES, length);
		send(peer, EnvelopeKind.FILE_CHUNK, payload);
	}

	private static FileMessages.Result nextResult(RawPeer peer) {
		return FileMessages.readResult(peer.next(EnvelopeKind.FILE_RESULT, WAIT).payload());
	}

	private static void send(RawPeer peer, EnvelopeKind kind, byte[] payload) {
		peer.send(kind, "files", payload);
	}

}
