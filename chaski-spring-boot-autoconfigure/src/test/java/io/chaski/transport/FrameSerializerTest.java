package io.chaski.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.UUID;

import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.FrameBuffer;
import io.chaski.wire.WireFormat;
import io.chaski.wire.WireFormatException;
import org.junit.jupiter.api.Test;

import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameSerializerTest {

	private final FrameSerializer serializer = new FrameSerializer(4096);

	@Test
	void writesAFrameAndReadsBackItsBody() throws IOException {
		FrameBuffer buffer = new FrameBuffer(64, 4096);
		assertThat(buffer.tryAdd(Envelope.control(EnvelopeKind.PING, UUID.randomUUID(), 7, new byte[100]))).isTrue();
		buffer.finish();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		this.serializer.serialize(buffer, out);
		this.serializer.serialize(buffer, out); // two frames back to back
		InputStream in = new ByteArrayInputStream(out.toByteArray());
		byte[] expectedBody = Arrays.copyOfRange(buffer.array(), WireFormat.FRAME_HEADER_BYTES, buffer.length());
		assertThat(this.serializer.deserialize(in)).isEqualTo(expectedBody);
		assertThat(this.serializer.deserialize(in)).isEqualTo(expectedBody);
		assertThatThrownBy(() -> this.serializer.deserialize(in)).isInstanceOf(SoftEndOfStreamException.class);
	}

	@Test
	void rejectsABadMagic() {
		assertThatThrownBy(() -> read(header(0x4854, 1, 10), new byte[10])) // "HT", as in HTTP
			.isInstanceOf(WireFormatException.class).hasMessageContaining("bad magic 0x4854")
			.hasMessageContaining("not a Chaski peer");
	}

	@Test
	void rejectsAnotherProtocolVersion() {
		assertThatThrownBy(() -> read(header(WireFormat.MAGIC, 9, 10), new byte[10]))
			.isInstanceOf(WireFormatException.class).hasMessageContaining("protocol version 9");
	}

	@Test
	void rejectsAnOversizedFrameBeforeReadingItsBody() {
		assertThatThrownBy(() -> read(header(WireFormat.MAGIC, 1, 0xFFFF_FFF0L)))
			.isInstanceOf(WireFormatException.class).hasMessageContaining("exceeds the maximum of 4096");
		assertThatThrownBy(() -> read(header(WireFormat.MAGIC, 1, 4096 - WireFormat.FRAME_HEADER_BYTES + 1)))
			.isInstanceOf(WireFormatException.class).hasMessageContaining("exceeds the maximum");
	}

	@Test
	void acceptsAFrameOfExactlyTheMaximumSize() throws IOException {
		int bodyLength = 4096 - WireFormat.FRAME_HEADER_BYTES;
		assertThat(read(header(WireFormat.MAGIC, 1, bodyLength), new byte[bodyLength])).hasSize(bodyLength);
	}

	@Test
	void rejectsATruncatedHeaderOrBody() {
		assertThatThrownBy(() -> read(Arrays.copyOf(header(WireFormat.MAGIC, 1, 10), 5)))
			.isInstanceOf(EOFException.class).hasMessageContaining("truncated frame header");
		assertThatThrownBy(() -> read(header(WireFormat.MAGIC, 1, 100), new byte[40]))
			.isInstanceOf(EOFException.class).hasMessageContaining("truncated frame body")
			.hasMessageContaining("40 of 100");
	}

	@Test
	void aLargeBodyThatHasArrivedIsReadIntoOneBufferNotOnePerDoubling() throws IOException {
		FrameSerializer large = new FrameSerializer(4 << 20);
		byte[] body = new byte[1 << 20];
		new java.util.Random(3).nextBytes(body);
		BufferCountingStream in = new BufferCountingStream(concat(header(WireFormat.MAGIC, 1, body.length), body),
				Integer.MAX_VALUE);
		assertThat(large.deserialize(in)).isEqualTo(body);
		// the header, then one buffer for the whole body (doubling from the first small one would take 5)
		assertThat(in.buffers).isEqualTo(2);
	}

	@Test
	void aBodyThatTricklesInGrowsByDoublingNotToTheLengthItClaims() throws IOException {
		FrameSerializer large = new FrameSerializer(4 << 20);
		byte[] body = new byte[1 << 20];
		// a peer that sends little at a time: nothing is there beyond each read, the buffer only doubles
		BufferCountingStream in = new BufferCountingStream(concat(header(WireFormat.MAGIC, 1, body.length), body),
				1024);
		assertThat(large.deserialize(in)).hasSize(body.length);
		assertThat(in.largestBeforeHalf).isLessThanOrEqualTo(FrameSerializer.FIRST_CHUNK_BYTES * 8);
	}

	@Test
	void refusesToWriteSomethingThatIsNotAFrame() {
		assertThatThrownBy(() -> this.serializer.serialize("text", new ByteArrayOutputStream()))
			.isInstanceOf(IllegalArgumentException.class);
	}

	private byte[] read(byte[]... parts) throws IOException {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			all.write(part);
		}
		return this.serializer.deserialize(new ByteArrayInputStream(all.toByteArray()));
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] all = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, all, first.length, second.length);
		return all;
	}

	/**
	 * Counts the distinct arrays it is asked to read into and hands out at most {@code perRead} bytes a read,
	 * saying that much is available (what a socket stream whose peer trickles bytes does).
	 */
	private static final class BufferCountingStream extends ByteArrayInputStream {

		private final int perRead;

		private byte[] last;

		int buffers;

		/** The largest buffer read into while less than half the input was read. */
		int largestBeforeHalf;

		BufferCountingStream(byte[] bytes, int perRead) {
			super(bytes);
			this.perRead = perRead;
		}

		@Override
		public synchronized int read(byte[] b, int off, int len) {
			if (b != this.last) {
				this.last = b;
				this.buffers++;
			}
			if (this.pos < this.count / 2) {
				this.largestBeforeHalf = Math.max(this.largestBeforeHalf, b.length);
			}
			return super.read(b, off, Math.min(len, this.perRead));
		}

		@Override
		public synchronized int available() {
			return Math.min(super.available(), this.perRead);
		}

	}

	private static byte[] header(int magic, int version, long bodyLength) {
		return new byte[] { (byte) (magic >>> 8), (byte) magic, (byte) version, 0, (byte) (bodyLength >>> 24),
				(byte) (bodyLength >>> 16), (byte) (bodyLength >>> 8), (byte) bodyLength };
	}

}
