package io.chaski.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A receiver forces what it wrote to the device every {@link IncomingTransfer#FLUSH_BEHIND_BYTES} on the flusher,
 * one flush per transfer at a time, so the force before the file counts as stored has little left to wait for; the
 * file is stored as before.
 */
class FlushBehindTest {

	static final int MIB = 1 << 20;

	static final long FLUSH = IncomingTransfer.FLUSH_BEHIND_BYTES;

	@TempDir
	Path dir;

	final List<Runnable> flushes = new ArrayList<>();

	final MessageDigest sent = Digests.sha256();

	long offset;

	@Test
	void aFlushStartsEveryFlushBehindBytesAndNeverTwiceAtOnce() throws Exception {
		long size = 2 * FLUSH + 3 * MIB;
		FileMessages.Start start = new FileMessages.Start(1, size, 0, "big.bin", Map.of());
		IncomingTransfer transfer = new IncomingTransfer(start, null, "files", this.dir.resolve("big.bin"), false,
				PartialFile.of(this.dir, "sender", start), false, new SerialWork(Runnable::run));
		transfer.open(Duration.ZERO);
		transfer.grant(size);

		writeUpTo(transfer, FLUSH - MIB);
		assertThat(this.flushes).as("less than the flush size written").isEmpty();
		writeUpTo(transfer, FLUSH);
		assertThat(this.flushes).hasSize(1);
		writeUpTo(transfer, 2 * FLUSH + MIB);
		assertThat(this.flushes).as("the first flush still runs: no second one queued").hasSize(1);

		this.flushes.get(0).run();
		writeUpTo(transfer, 2 * FLUSH + 2 * MIB);
		assertThat(this.flushes).as("done, and more than the flush size written since it began").hasSize(2);
		this.flushes.get(1).run();

		writeUpTo(transfer, size);
		assertThat(transfer.finish(this.sent.digest())).isNull();
		assertThat(Files.size(this.dir.resolve("big.bin"))).isEqualTo(size);
	}

	/** Writes 1 MiB chunks of the file until {@code end}, as the disk work does, then asks for a flush behind. */
	private void writeUpTo(IncomingTransfer transfer, long end) throws Exception {
		while (this.offset < end) {
			byte[] payload = FileMessages.chunk(1, this.offset, MIB);
			payload[FileMessages.CHUNK_HEADER_BYTES] = (byte) (this.offset / MIB);
			FileMessages.Chunk chunk = FileMessages.readChunk(payload);
			assertThat(transfer.accept(chunk, 4)).isNull();
			transfer.write(chunk);
			this.sent.update(payload, FileMessages.CHUNK_HEADER_BYTES, MIB);
			this.offset += MIB;
			transfer.flushBehind(this.flushes::add);
		}
	}

}
