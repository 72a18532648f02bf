package io.chaski.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Reads the envelopes of a frame body (the bytes after the 8-byte frame header). Keeps the last topic and
 * header strings it decoded so that a batch of messages on one topic shares one String. Not thread-safe:
 * one per connection.
 */
public final class FrameDecoder {

	private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

	private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

	/** Kind, hops, origin, id, timestamp and the topic's length: the fields before the topic. */
	private static final int LEADING_BYTES = 1 + 1 + 16 + 8 + 8 + 2;

	private final StringCache topics = new StringCache();

	private final StringCache headerStrings = new StringCache();

	private UUID lastOrigin = new UUID(0, 0);

	/**
	 * Decodes every envelope in a frame body.
	 * @param body the frame body: envelope count, then envelopes
	 * @param sink receives each envelope in order
	 * @return the number of envelopes
	 * @throws WireFormatException if the body is malformed; envelopes before the fault were delivered
	 */
	public int decode(byte[] body, Consumer<Envelope> sink) throws WireFormatException {
		Reader reader = new Reader(body);
		int count = reader.u16();
		// the count is checked against the bytes that arrived before any envelope is read
		reader.needEach(count, WireFormat.ENVELOPE_FIXED_BYTES, "envelopes");
		for (int i = 0; i < count; i++) {
			sink.accept(readEnvelope(reader));
		}
		if (reader.position != body.length) {
			throw new WireFormatException((body.length - reader.position) + " stray bytes after " + count + " envelopes");
		}
		return count;
	}

	private Envelope readEnvelope(Reader reader) throws WireFormatException {
		// the fixed fields before the topic are checked against the bytes left at once, not one by one
		byte[] data = reader.data;
		int at = reader.take(LEADING_BYTES);
		int kindCode = data[at] & 0xFF;
		EnvelopeKind kind = EnvelopeKind.fromCode(kindCode);
		if (kind == null) {
			throw new WireFormatException("unknown envelope kind " + kindCode);
		}
		int hops = data[at + 1] & 0xFF;
		UUID origin = origin((long) LONG.get(data, at + 2), (long) LONG.get(data, at + 10));
		long id = (long) LONG.get(data, at + 18);
		long timestamp = (long) LONG.get(data, at + 26);
		int topicLength = ((data[at + 34] & 0xFF) << 8) | (data[at + 35] & 0xFF);
		String topic = reader.string(topicLength, this.topics);
		int headerCount = reader.u8();
		// each header takes at least its two length prefixes (1 + 2 bytes), then the payload length follows
		reader.needEach(headerCount, 3, "headers");
		Map<String, String> headers = Map.of();
		if (headerCount == 1) {
			headers = Map.of(reader.string(reader.u8(), this.headerStrings),
					reader.string(reader.u16(), this.headerStrings));
		}
		else if (headerCount > 1) {
			headers = new HashMap<>();
			for (int h = 0; h < headerCount; h++) {
				headers.put(reader.string(reader.u8(), this.headerStrings), reader.string(reader.u16(), this.headerStrings));
			}
		}
		long payloadLength = reader.u32();
		byte[] payload = reader.bytes(payloadLength);
		return new Envelope(kind, origin, id, hops, timestamp, topic, headers, payload);
	}

	/** Frames mostly carry messages of one origin: share its UUID instead of allocating one per envelope. */
	private UUID origin(long most, long least) {
		UUID last = this.lastOrigin;
		if (last.getMostSignificantBits() != most || last.getLeastSignificantBits() != least) {
			last = new UUID(most, least);
			this.lastOrigin = last;
		}
		return last;
	}

	/**
	 * Bounds-checked reads over the body. Every length is compared with the bytes left, {@code data.length -
	 * position}, which cannot overflow (the position never passes the end); nothing is allocated before its
	 * length passed that check.
	 */
	private static final class Reader {

		private final byte[] data;

		private int position;

		Reader(byte[] data) {
			this.data = data;
		}

		private void need(long bytes) throws WireFormatException {
			if (bytes < 0 || bytes > this.data.length - this.position) {
				throw new WireFormatException("envelope overruns its frame at byte " + this.position + " (wanted "
						+ bytes + ", frame has " + this.data.length + ")");
			}
		}

		/** Rejects a count of items that cannot fit in the bytes left, at {@code minBytes} each at least. */
		void needEach(int count, int minBytes, String what) throws WireFormatException {
			if ((long) count * minBytes > this.data.length - this.position) {
				throw new WireFormatException("envelope overruns its frame at byte " + this.position + " (" + count
						+ " " + what + " of at least " + minBytes + " bytes each, frame has " + this.data.length + ")");
			}
		}

		/** @return the position of {@code bytes} bytes that are there, now read */
		int take(int bytes) throws WireFormatException {
			need(bytes);
			int at = this.position;
			this.position = at + bytes;
			return at;
		}

		int u8() throws WireFormatException {
			need(1);
			return this.data[this.position++] & 0xFF;
		}

		int u16() throws WireFormatException {
			need(2);
			int value = ((this.data[this.position] & 0xFF) << 8) | (this.data[this.position + 1] & 0xFF);
			this.position += 2;
			return value;
		}

		long u32() throws WireFormatException {
			need(4);
			long value = Integer.toUnsignedLong((int) INT.get(this.data, this.position));
			this.position += 4;
			return value;
		}

		byte[] bytes(long length) throws WireFormatException {
			need(length);
			int size = (int) length; // fits: it is at most the bytes left
			byte[] out = Arrays.copyOfRange(this.data, this.position, this.position + size);
			this.position += size;
			return out;
		}

		String string(int length, StringCache cache) throws WireFormatException {
			need(length);
			String value = cache.get(this.data, this.position, length);
			this.position += length;
			return value;
		}

	}

	/** Remembers the last few strings decoded, keyed by their bytes. */
	private static final class StringCache {

		private static final int SLOTS = 8;

		private final byte[][] keys = new byte[SLOTS][];

		private final String[] values = new String[SLOTS];

		private int next;

		private int lastHit;

		String get(byte[] data, int offset, int length) {
			if (length == 0) {
				return "";
			}
			if (matches(this.lastHit, data, offset, length)) {
				return this.values[this.lastHit];
			}
			for (int i = 0; i < SLOTS; i++) {
				if (matches(i, data, offset, length)) {
					this.lastHit = i;
					return this.values[i];
				}
			}
			String value = new String(data, offset, length, StandardCharsets.UTF_8);
			this.keys[this.next] = Arrays.copyOfRange(data, offset, offset + length);
			this.values[this.next] = value;
			this.lastHit = this.next;
			this.next = (this.next + 1) % SLOTS;
			return value;
		}

		private boolean matches(int slot, byte[] data, int offset, int length) {
			byte[] key = this.keys[slot];
			if (key == null || key.length != length) {
				return false;
			}
			for (int i = 0; i < length; i++) {
				if (key[i] != data[offset + i]) {
					return false;
				}
			}
			return true;
		}

	}

}
