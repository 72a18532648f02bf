package io.chaski.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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

/**
 * The sender's half of flow control, against a raw receiver that grants credit by hand: the sender sends exactly
 * up to the credit and then nothing until more is granted, so a receiver that stops granting (a slow disk) stops
 * the sender instead of filling queues. The offer goes out before the file is hashed, and the end carries the hash
 * of every byte, also of those a resume skipped.
 */
class SenderCreditTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final int SIZE = 1024 * 1024;

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@TempDir
	Path tmp;

	private ChaskiStreamer sender;

	private RawPeer peer;

	private ChaskiNode node;

	@AfterEach
	void close() {
		if (this.peer != null) {
			this.peer.close();
		}
		if (this.sender != null) {
			this.sender.close();
		}
	}

	@Test
	void theSenderStopsAtTheCreditAndGoesOnWhenMoreIsGranted() throws Exception {
		byte[] data = senderAndFile();
		Path file = this.tmp.resolve("credited.bin");

		CompletableFuture<FileTransferResult> push = this.sender.pushFile("files", file);
		FileMessages.Start start = FileMessages.readStart(this.peer.next(EnvelopeKind.FILE_START, WAIT).payload());
		assertThat(start.size()).isEqualTo(SIZE);
		assertThat(start.modified()).isEqualTo(Files.getLastModifiedTime(file).toMillis());

		// a credit that is not a whole number of chunks: the last chunk is cut at it
		int firstCredit = 100_000;
		send(EnvelopeKind.FILE_CREDIT, FileMessages.credit(new FileMessages.Credit(start.transferId(), 0, firstCredit)));
		assertThat(receiveChunks(start.transferId(), 0, firstCredit, data)).isEqualTo(firstCredit);
		assertThat(this.peer.next(EnvelopeKind.FILE_CHUNK, Duration.ofMillis(500)))
			.as("no chunk beyond the credit while no more is granted")
			.isNull();
		assertThat(this.sender.files().stats().bytesSent()).isEqualTo(firstCredit);
		assertThat(push).isNotDone();

		send(EnvelopeKind.FILE_CREDIT,
				FileMessages.credit(new FileMessages.Credit(start.transferId(), firstCredit, SIZE)));
		assertThat(receiveChunks(start.transferId(), firstCredit, SIZE, data)).isEqualTo(SIZE);
		FileMessages.End end = FileMessages.readEnd(this.peer.next(EnvelopeKind.FILE_END, WAIT).payload());
		assertThat(end.transferId()).isEqualTo(start.transferId());
		assertThat(end.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
		send(EnvelopeKind.FILE_RESULT,
				FileMessages.result(new FileMessages.Result(start.transferId(), FileOutcome.STORED, "")));
		FileTransferResult result = push.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(result.allStored()).isTrue();
		assertThat(result.sha256()).isEqualTo(HexFormat.of().formatHex(end.sha256()));
		assertThat(this.sender.files().stats().bytesSent()).isEqualTo(SIZE);
	}

	@Test
	void aReceiverThatHoldsPartOrAllOfTheFileGetsTheRestAndTheHashOfEveryByte() throws Exception {
		byte[] data = senderAndFile();
		Path file = this.tmp.resolve("credited.bin");
		byte[] whole = MessageDigest.getInstance("SHA-256").digest(data);

		// a receiver that holds the first 300 000 bytes (a resume): those are hashed, not sent
		CompletableFuture<FileTransferResult> push = this.sender.pushFile("files", file);
		long id = FileMessages.readStart(this.peer.next(EnvelopeKind.FILE_START, WAIT).payload()).transferId();
		send(EnvelopeKind.FILE_CREDIT, FileMessages.credit(new FileMessages.Credit(id, 300_000, SIZE)));
		assertThat(receiveChunks(id, 300_000, SIZE, data)).isEqualTo(SIZE);
		assertThat(FileMessages.readEnd(this.peer.next(EnvelopeKind.FILE_END, WAIT).payload()).sha256())
			.isEqualTo(whole);
		send(EnvelopeKind.FILE_RESULT, FileMessages.result(new FileMessages.Result(id, FileOutcome.STORED, "")));
		assertThat(push.get(WAIT.toSeconds(), TimeUnit.SECONDS).allStored()).isTrue();

		// a receiver that holds it all (a file in place): no chunk, only the end with the hash
		push = this.sender.pushFile("files", file);
		id = FileMessages.readStart(this.peer.next(EnvelopeKind.FILE_START, WAIT).payload()).transferId();
		send(EnvelopeKind.FILE_CREDIT, FileMessages.credit(new FileMessages.Credit(id, SIZE, SIZE)));
		assertThat(FileMessages.readEnd(this.peer.next(EnvelopeKind.FILE_END, WAIT).payload()).sha256())
			.isEqualTo(whole);
		send(EnvelopeKind.FILE_RESULT, FileMessages.result(new FileMessages.Result(id, FileOutcome.STORED, "")));
		assertThat(push.get(WAIT.toSeconds(), TimeUnit.SECONDS).sha256()).isEqualTo(HexFormat.of().formatHex(whole));
		assertThat(this.sender.files().stats().bytesSent()).as("no chunk for the file in place")
			.isEqualTo(SIZE - 300_000);
	}

	@Test
	void aFileWrittenToDuringThePushFailsItInsteadOfEndingWithAMix() throws Exception {
		byte[] data = senderAndFile();
		Path file = this.tmp.resolve("credited.bin");
		CompletableFuture<FileTransferResult> push = this.sender.pushFile("files", file);
		long id = FileMessages.readStart(this.peer.next(EnvelopeKind.FILE_START, WAIT).payload()).transferId();
		send(EnvelopeKind.FILE_CREDIT, FileMessages.credit(new FileMessages.Credit(id, 0, 100_000)));
		receiveChunks(id, 0, 100_000, data);

		data[0] ^= 1; // rewritten in place: same size, a later time stamp
		Files.write(file, data);
		Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));
		send(EnvelopeKind.FILE_CREDIT, FileMessages.credit(new FileMessages.Credit(id, 100_000, SIZE)));
		assertThat(FileMessages.readId(this.peer.next(EnvelopeKind.FILE_CANCEL, WAIT).payload()))
			.as("the receiver is told to drop it").isEqualTo(id);
		FileDelivery delivery = push.get(WAIT.toSeconds(), TimeUnit.SECONDS).deliveries().get(this.peer.id());
		assertThat(delivery.outcome()).isEqualTo(FileOutcome.FAILED);
		assertThat(delivery.reason()).contains("changed while it was sent");
	}

	@Test
	void aReceiverThatDropsTheLinkOnEveryOfferIsGivenUp() throws Exception {
		senderAndFile();
		UUID id = this.peer.id();
		CompletableFuture<FileTransferResult> push = this.sender.pushFile("files", this.tmp.resolve("credited.bin"));
		for (int offer = 1; offer <= OutgoingTransfer.MAX_OFFERS_WITHOUT_CREDIT; offer++) {
			assertThat(this.peer.next(EnvelopeKind.FILE_START, WAIT)).as("offer %d", offer).isNotNull();
			this.peer.close(); // as a node of an earlier release closes on a kind it does not know
			await().atMost(WAIT).until(() -> this.node.peer(id).isEmpty());
			this.peer = RawPeer.connectAs(this.node, id);
			this.peer.handshake("raw", List.of("files"));
		}
		FileDelivery delivery = push.get(WAIT.toSeconds(), TimeUnit.SECONDS).deliveries().get(id);
		assertThat(delivery.outcome()).isEqualTo(FileOutcome.FAILED);
		assertThat(delivery.reason()).contains("offered " + OutgoingTransfer.MAX_OFFERS_WITHOUT_CREDIT + " times");
		assertThat(this.sender.files().active()).isEmpty();
	}

	/** @return the bytes of the file {@code credited.bin}, which a sender node pushes to the raw peer */
	private byte[] senderAndFile() throws Exception {
		// the raw peer answers no pings: keep-alive would close it on a busy machine before the test ends
		ChaskiNode node = this.nodes.start(this.nodes.builder("sender").keepAliveInterval(Duration.ZERO));
		this.node = node;
		FileSettings settings = new FileSettings(false, this.tmp.resolve("inbox"), 1L << 30, false, 16 * 1024,
				64 * 1024, Duration.ofSeconds(30), 4, 2, FileSettings.DEFAULTS.resumeWindow());
		this.sender = new ChaskiStreamer(node, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(), settings);
		this.peer = RawPeer.connect(node);
		this.peer.handshake("raw", List.of("files"));
		await().atMost(WAIT).until(() -> node.peer(this.peer.id())
			.filter(info -> info.subscriptions().contains("files"))
			.isPresent());
		byte[] data = new byte[SIZE];
		new Random(11).nextBytes(data);
		Files.write(this.tmp.resolve("credited.bin"), data);
		return data;
	}

	/**
	 * Reads chunks of one transfer, in order and matching the file, until {@code until}.
	 * @return the offset reached
	 */
	private long receiveChunks(long transferId, long from, long until, byte[] data) {
		long offset = from;
		while (offset < until) {
			Envelope envelope = this.peer.next(EnvelopeKind.FILE_CHUNK, WAIT);
			assertThat(envelope).as("a chunk at %d", offset).isNotNull();
			FileMessages.Chunk chunk = FileMessages.readChunk(envelope.payload());
			int length = chunk.payload().length - chunk.dataOffset();
			assertThat(chunk.transferId()).isEqualTo(transferId);
			assertThat(chunk.offset()).isEqualTo(offset);
			assertThat(offset + length).as("a chunk ending beyond the credit").isLessThanOrEqualTo(until);
			byte[] expected = new byte[length];
			System.arraycopy(data, (int) offset, expected, 0, length);
			byte[] actual = new byte[length];
			System.arraycopy(chunk.payload(), chunk.dataOffset(), actual, 0, length);
			assertThat(actual).isEqualTo(expected);
			offset += length;
		}
		return offset;
	}

	private void send(EnvelopeKind kind, byte[] payload) {
		this.peer.send(kind, "files", payload);
	}

}
