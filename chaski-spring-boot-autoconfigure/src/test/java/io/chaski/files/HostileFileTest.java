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
import io.chaski.wire.EnvelopeKind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer that speaks the file protocol itself (a raw socket after a real handshake): hostile names, corrupted
 * chunks and chunks beyond the credit get refusals and failures, and nothing is kept.
 */
class HostileFileTest {

	static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@TempDir
	Path tmp;

	ChaskiStreamer receiver;

	RawPeer peer;

	Path inbox;

	@AfterEach
	void close() {
		if (this.peer != null) {
			this.peer.close();
		}
		if (this.receiver != null) {
			this.receiver.close();
		}
	}

	void start() {
		this.inbox = this.tmp.resolve("sandbox").resolve("inbox");
		// the raw peer answers no pings: keep-alive would close it on a busy machine before a test ends
		ChaskiNode node = this.nodes.start(this.nodes.builder("receiver").subscriptions("files")
			.keepAliveInterval(Duration.ZERO));
		this.receiver = new ChaskiStreamer(node, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(),
				FileTransferTest.settings(true, this.inbox));
		this.peer = RawPeer.connect(node);
		this.peer.handshake("raw", List.of("files"));
	}

	@Test
	void namesThatWouldLeaveTheDirectoryAreRefused() throws Exception {
		start();
		List<String> names = List.of("../evil", "../../evil", "/tmp/evil", "a/../../evil", "..", ".", "", " ",
				"x".repeat(256), "CON", "nul.txt", "COM1.log", "a\\..\\evil", "C:evil", "bad\u0000name", ".hidden",
				"trailing.", "line\nbreak");
		long id = 1;
		for (String name : names) {
			send(EnvelopeKind.FILE_START, FileMessages.start(new FileMessages.Start(id, 3, 0, name, Map.of())));
			FileMessages.Result result = FileMessages.readResult(this.peer.next(EnvelopeKind.FILE_RESULT, WAIT).payload());
			assertThat(result.transferId()).isEqualTo(id);
			assertThat(result.outcome()).as("name '%s'", name).isEqualTo(FileOutcome.REFUSED);
			id++;
		}
		// nothing written anywhere, not even the directory
		assertThat(FileTransferTest.listNames(this.tmp)).isEmpty();
	}

	@Test
	void aCorruptedChunkFailsTheHashAndNothingIsKept() throws Exception {
		start();
		byte[] data = new byte[100_000];
		new Random(7).nextBytes(data);
		byte[] hash = MessageDigest.getInstance("SHA-256").digest(data);
		send(EnvelopeKind.FILE_START, FileMessages.start(new FileMessages.Start(9, data.length, 0, "x.bin", Map.of())));
		FileMessages.Credit credit = FileMessages.readCredit(this.peer.next(EnvelopeKind.FILE_CREDIT, WAIT).payload());
		assertThat(credit.limit()).isGreaterThanOrEqualTo(data.length);
		data[50_000] ^= 1; // one bit flipped in flight
		sendChunk(9, 0, data, 0, 60_000);
		sendChunk(9, 60_000, data, 60_000, data.length - 60_000);
		send(EnvelopeKind.FILE_END, FileMessages.end(new FileMessages.End(9, hash)));

		FileMessages.Result result = FileMessages.readResult(this.peer.next(EnvelopeKind.FILE_RESULT, WAIT).payload());
		assertThat(result.outcome()).isEqualTo(FileOutcome.FAILED);
		assertThat(result.reason()).contains("SHA-256");
		await().atMost(WAIT).until(() -> FileTransferTest.listNames(this.inbox).isEmpty());
		assertThat(this.receiver.files().stats().received(FileOutcome.FAILED)).isEqualTo(1);
	}

	@Test
	void chunksBeyondTheCreditFailTheTransfer() throws Exception {
		start();
		send(EnvelopeKind.FILE_START,
				FileMessages.start(new FileMessages.Start(5, 1L << 30, 0, "big.bin", Map.of())));
		FileMessages.Credit credit = FileMessages.readCredit(this.peer.next(EnvelopeKind.FILE_CREDIT, WAIT).payload());
		// one chunk one byte past the whole credit: nothing was written yet, so no further credit can race it
		byte[] block = new byte[Math.toIntExact(credit.limit()) + 1];
		sendChunk(5, 0, block, 0, block.length);
		FileMessages.Result result = FileMessages.readResult(this.peer.next(EnvelopeKind.FILE_RESULT, WAIT).payload());
		assertThat(result.outcome()).isEqualTo(FileOutcome.FAILED);
		assertThat(result.reason()).contains("credit");
		await().atMost(WAIT).until(() -> FileTransferTest.listNames(this.inbox).isEmpty());
		// the link itself stays up: the transfer failed, not the peer
		assertThat(this.peer.roundTrip(WAIT)).isTrue();
	}

	@Test
	void malformedFilePayloadsAreIgnoredAndTheLinkStays() {
		start();
		send(EnvelopeKind.FILE_START, new byte[] { 1, 2, 3 });
		send(EnvelopeKind.FILE_CHUNK, new byte[] { 1 });
		send(EnvelopeKind.FILE_START, FileMessages.start(new FileMessages.Start(1, -5, 0, "a", Map.of())));
		send(EnvelopeKind.FILE_END, new byte[8 + FileMessages.HASH_BYTES - 1]); // a hash one byte short
		assertThat(this.peer.roundTrip(WAIT)).isTrue();
		assertThat(this.inbox).doesNotExist();
	}

	private void sendChunk(long id, long offset, byte[] data, int from, int length) {
		byte[] payload = FileMessages.chunk(id, offset, length);
		System.arraycopy(data, from, payload, FileMessages.CHUNK_HEADER_BYTES, length);
		send(EnvelopeKind.FILE_CHUNK, payload);
	}

	private void send(EnvelopeKind kind, byte[] payload) {
		this.peer.send(kind, "files", payload);
	}

}
