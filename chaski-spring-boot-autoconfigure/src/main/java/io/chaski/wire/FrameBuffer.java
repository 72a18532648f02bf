package io.chaski.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * Builds one frame from several envelopes in a reusable, growing byte array, so that batching many small
 * messages costs one array copy each and no per-message allocation. Not thread-safe: one per writer.
 */
public final class FrameBuffer {

	private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

	private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

	private final int maxFrameBytes;

	private byte[] bytes;

	private int length;

	private int count;

	private final Utf8Cache utf8 = new Utf8Cache();

	/**
	 * @param initialCapacity starting size of the array in bytes
	 * @param maxFrameBytes the largest frame (header included) the peer accepts
	 */
	public FrameBuffer(int initialCapacity, int maxFrameBytes) {
		this.bytes = new byte[Math.max(initialCapacity, WireFormat.FRAME_HEADER_BYTES + 2)];
		this.maxFrameBytes = maxFrameBytes;
		reset();
	}

	/** Empties the buffer for the next frame. */
	public void reset() {
		this.length = WireFormat.FRAME_HEADER_BYTES + 2;
		this.count = 0;
	}

	/** @return number of envelopes added since the last reset */
	public int envelopeCount() {
		return this.count;
	}

	/** @return the frame size in bytes so far, header included */
	public int length() {
		return this.length;
	}

	/** @return the backing array; valid up to {@link #length()} after {@link #finish()} */
	public byte[] array() {
		return this.bytes;
	}

	/**
	 * @param envelope an envelope
	 * @return its encoded size in bytes
	 */
	public static int encodedSize(Envelope envelope) {
		int size = WireFormat.ENVELOPE_FIXED_BYTES + utf8Length(envelope.topic()) + envelope.payload().length;
		for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
			size += 1 + utf8Length(header.getKey()) + 2 + utf8Length(header.getValue());
		}
		return size;
	}

	/**
	 * Appends an envelope if the frame stays within the maximum size.
	 * @param envelope the envelope
	 * @return {@code false} when the frame is full (nothing was written)
	 * @throws WireFormatException if a field is too long for its length prefix
	 */
	public boolean tryAdd(Envelope envelope) throws WireFormatException {
		byte[] topic = checked(this.utf8.bytes(envelope.topic()), 0xFFFF, "topic");
		Map<String, String> headers = envelope.headers();
		int size = WireFormat.ENVELOPE_FIXED_BYTES + topic.length + envelope.payload().length;
		if (!headers.isEmpty()) {
			if (headers.size() > 0xFF) {
				throw new WireFormatException("too many headers: " + headers.size());
			}
			for (Map.Entry<String, String> header : headers.entrySet()) {
				size += 1 + checked(this.utf8.bytes(header.getKey()), 0xFF, "header name").length + 2
						+ checked(this.utf8.bytes(header.getValue()), 0xFFFF, "header value").length;
			}
		}
		if (this.length + size > this.maxFrameBytes || this.count == WireFormat.MAX_ENVELOPES_PER_FRAME) {
			return false;
		}
		ensureCapacity(this.length + size);
		byte[] out = this.bytes;
		int pos = this.length;
		out[pos] = (byte) envelope.kind().code();
		out[pos + 1] = (byte) envelope.hopsLeft();
		UUID origin = envelope.origin();
		LONG.set(out, pos + 2, origin.getMostSignificantBits());
		LONG.set(out, pos + 10, origin.getLeastSignificantBits());
		LONG.set(out, pos + 18, envelope.id());
		LONG.set(out, pos + 26, envelope.timestamp());
		pos = putBytes(out, pos + 34, topic, 2);
		out[pos++] = (byte) headers.size();
		if (!headers.isEmpty()) {
			for (Map.Entry<String, String> header : headers.entrySet()) {
				pos = putBytes(out, pos, this.utf8.bytes(header.getKey()), 1);
				pos = putBytes(out, pos, this.utf8.bytes(header.getValue()), 2);
			}
		}
		byte[] payload = envelope.payload();
		INT.set(out, pos, payload.length);
		System.arraycopy(payload, 0, out, pos + 4, payload.length);
		this.length = pos + 4 + payload.length;
		this.count++;
		return true;
	}

	private static byte[] checked(byte[] utf8, int max, String what) throws WireFormatException {
		if (utf8.length > max) {
			throw new WireFormatException(what + " too long: " + utf8.length + " bytes (max " + max + ")");
		}
		return utf8;
	}

	/** Writes a length prefix of 1 or 2 bytes and the bytes; returns the position after them. */
	private static int putBytes(byte[] out, int pos, byte[] value, int prefixBytes) {
		if (prefixBytes == 2) {
			out[pos++] = (byte) (value.length >>> 8);
		}
		out[pos++] = (byte) value.length;
		System.arraycopy(value, 0, out, pos, value.length);
		return pos + value.length;
	}

	/** Writes the frame header; the frame is then {@code array()[0, length())}. */
	public void finish() {
		int body = this.length - WireFormat.FRAME_HEADER_BYTES;
		this.bytes[0] = (byte) (WireFormat.MAGIC >>> 8);
		this.bytes[1] = (byte) WireFormat.MAGIC;
		this.bytes[2] = (byte) WireFormat.PROTOCOL_VERSION;
		this.bytes[3] = 0;
		this.bytes[4] = (byte) (body >>> 24);
		this.bytes[5] = (byte) (body >>> 16);
		this.bytes[6] = (byte) (body >>> 8);
		this.bytes[7] = (byte) body;
		this.bytes[8] = (byte) (this.count >>> 8);
		this.bytes[9] = (byte) this.count;
	}

	private void ensureCapacity(int needed) {
		if (needed > this.bytes.length) {
			this.bytes = Arrays.copyOf(this.bytes, Math.max(needed, this.bytes.length * 2));
		}
	}

	private static int utf8Length(String value) {
		int length = value.length();
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c >= 0x80) {
				return value.getBytes(StandardCharsets.UTF_8).length;
			}
		}
		return length;
	}

	/** The UTF-8 bytes of the last few strings encoded: topics and header values repeat from message to message. */
	private static final class Utf8Cache {

		private static final int SLOTS = 8;

		private final String[] keys = new String[SLOTS];

		private final byte[][] values = new byte[SLOTS][];

		private int next;

		private int lastHit;

		byte[] bytes(String value) {
			if (this.keys[this.lastHit] == value) {
				return this.values[this.lastHit];
			}
			for (int i = 0; i < SLOTS; i++) {
				if (this.keys[i] == value) {
					this.lastHit = i;
					return this.values[i];
				}
			}
			byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
			this.keys[this.next] = value;
			this.values[this.next] = utf8;
			this.lastHit = this.next;
			this.next = (this.next + 1) % SLOTS;
			return utf8;
		}

	}

}
