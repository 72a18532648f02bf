package io.chaski.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

import io.chaski.wire.FrameBuffer;
import io.chaski.wire.WireFormat;
import io.chaski.wire.WireFormatException;

import org.springframework.core.serializer.Deserializer;
import org.springframework.core.serializer.Serializer;
import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

/**
 * Reads and writes Chaski frames on a TCP stream for Spring Integration's connection factories. Reading
 * checks the magic, the protocol version and the size limit of the connection before allocating anything, so
 * a stranger or an incompatible peer is rejected after 8 bytes; the body is then read into a buffer that grows
 * with the bytes that arrive, never from the length the header claims.
 */
final class FrameSerializer implements Serializer<Object>, Deserializer<byte[]> {

	/**
	 * The first body buffer holds at most this much: a frame's claimed length is not trusted with more. A writer
	 * closes a batch once it reaches 64 KiB (the default batch size), so a full batch is 64 KiB plus the envelope
	 * that crossed the mark: with 80 KiB it fits the first buffer, where 64 KiB made every full frame grow once
	 * (a second buffer of twice the size and a copy of the first, per frame).
	 */
	static final int FIRST_CHUNK_BYTES = 80 * 1024;

	private final int strictestLimit;

	/**
	 * The frame limit of the connection being read. Spring Integration hands the deserializer only a stream,
	 * and calls it only from {@link #read}, on the reading thread: the limit travels with that call.
	 */
	private final ThreadLocal<Integer> limitOfThisRead = new ThreadLocal<>();

	/**
	 * @param strictestLimit the limit of a read that does not name one (the smallest any connection has)
	 */
	FrameSerializer(int strictestLimit) {
		this.strictestLimit = strictestLimit;
	}

	/**
	 * Reads the next frame of a connection.
	 * @param tcp the connection
	 * @param maxFrameBytes the largest frame it may send now, header included
	 * @return the frame body, or {@code null} if the stream ended between frames
	 */
	Object read(TcpConnection tcp, int maxFrameBytes) {
		this.limitOfThisRead.set(maxFrameBytes);
		try {
			return tcp.getPayload(); // calls deserialize on this thread
		}
		finally {
			this.limitOfThisRead.remove();
		}
	}

	@Override
	public void serialize(Object frame, OutputStream out) throws IOException {
		if (frame instanceof FrameBuffer buffer) {
			out.write(buffer.array(), 0, buffer.length());
		}
		else {
			throw new IllegalArgumentException("Not a frame: " + frame.getClass().getName());
		}
	}

	@Override
	public byte[] deserialize(InputStream in) throws IOException {
		byte[] header = new byte[WireFormat.FRAME_HEADER_BYTES];
		int first = in.read();
		if (first < 0) {
			throw new SoftEndOfStreamException("Stream closed between frames");
		}
		header[0] = (byte) first;
		readFully(in, header, 1, header.length - 1, "frame header");
		int magic = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
		if (magic != WireFormat.MAGIC) {
			throw new WireFormatException(String.format("bad magic 0x%04x: not a Chaski peer", magic));
		}
		int version = header[2] & 0xFF;
		if (version != WireFormat.PROTOCOL_VERSION) {
			throw new WireFormatException("peer speaks protocol version " + version + ", this node speaks "
					+ WireFormat.PROTOCOL_VERSION);
		}
		long bodyLength = ((header[4] & 0xFFL) << 24) | ((header[5] & 0xFF) << 16) | ((header[6] & 0xFF) << 8)
				| (header[7] & 0xFF);
		Integer named = this.limitOfThisRead.get();
		int maxFrameBytes = (named != null) ? named : this.strictestLimit;
		if (bodyLength + WireFormat.FRAME_HEADER_BYTES > maxFrameBytes) {
			throw new WireFormatException("frame of " + (bodyLength + WireFormat.FRAME_HEADER_BYTES)
					+ " bytes exceeds the maximum of " + maxFrameBytes);
		}
		return readBody(in, (int) bodyLength);
	}

	/**
	 * Reads a body of the given length into a buffer that starts small and grows as bytes arrive, so a
	 * header that claims megabytes and sends nothing more costs one small buffer. It grows to at least twice its
	 * size, or at once to what has arrived already ({@code available()}: bytes that are there, never the claim),
	 * so a large frame that is already in is read into one buffer, not copied once per doubling.
	 */
	private static byte[] readBody(InputStream in, int length) throws IOException {
		// available() only for large frames: a small one (every topic message) costs no extra call
		int first = (length <= FIRST_CHUNK_BYTES) ? length
				: Math.min(length, Math.max(FIRST_CHUNK_BYTES, in.available()));
		byte[] body = new byte[first];
		int done = 0;
		while (done < length) {
			if (done == body.length) {
				long arrived = (long) done + in.available();
				body = Arrays.copyOf(body, (int) Math.min(length, Math.max(2L * body.length, arrived)));
			}
			int read = in.read(body, done, body.length - done);
			if (read < 0) {
				throw new EOFException("truncated frame body: stream ended after " + done + " of " + length + " bytes");
			}
			done += read;
		}
		return body;
	}

	private static void readFully(InputStream in, byte[] into, int offset, int length, String what)
			throws IOException {
		int done = 0;
		while (done < length) {
			int read = in.read(into, offset + done, length - done);
			if (read < 0) {
				throw new EOFException("truncated " + what + ": stream ended after " + done + " of " + length + " bytes");
			}
			done += read;
		}
	}

}
