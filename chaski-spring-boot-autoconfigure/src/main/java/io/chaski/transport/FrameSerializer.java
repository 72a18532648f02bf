package io.chaski.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import io.chaski.wire.FrameBuffer;
import io.chaski.wire.WireFormat;
import io.chaski.wire.WireFormatException;

import org.springframework.core.serializer.Deserializer;
import org.springframework.core.serializer.Serializer;
import org.springframework.integration.ip.tcp.serializer.SoftEndOfStreamException;

/**
 * Reads and writes Chaski frames on a TCP stream for Spring Integration's connection factories. Reading
 * checks the magic, the protocol version and the maximum size before allocating anything, so a stranger or
 * an incompatible peer is rejected after 8 bytes.
 */
final class FrameSerializer implements Serializer<Object>, Deserializer<byte[]> {

	private final int maxFrameBytes;

	FrameSerializer(int maxFrameBytes) {
		this.maxFrameBytes = maxFrameBytes;
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
		if (bodyLength + WireFormat.FRAME_HEADER_BYTES > this.maxFrameBytes) {
			throw new WireFormatException("frame of " + (bodyLength + WireFormat.FRAME_HEADER_BYTES)
					+ " bytes exceeds the maximum of " + this.maxFrameBytes);
		}
		byte[] body = new byte[(int) bodyLength];
		readFully(in, body, 0, body.length, "frame body");
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
