package io.chaski.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.chaski.wire.PayloadReader;

/**
 * The payloads of the storage envelopes (docs/protocol.md, "Storage"). Every message starts with the
 * requester's correlation id. Reading trusts nothing: each length is checked against the bytes that arrived
 * and against the limits before anything is allocated, and trailing bytes are refused.
 */
final class StorageMessages {

	/** Longest content type accepted from a peer, in bytes. */
	static final int MAX_CONTENT_TYPE_BYTES = 256;

	private StorageMessages() {
	}

	/** A request naming a key (fetch, claim). */
	record KeyRequest(long correlation, String key) {
	}

	/** An answer that may carry an entry (fetch reply, claim done); {@code entry} is {@code null} for "not here". */
	record EntryReply(long correlation, StorageEntry entry, long remainingMillis) {
	}

	/** A claim offer: whether the key is held for the claimer. */
	record Offer(long correlation, boolean held) {
	}

	static byte[] keyRequest(long correlation, String key) {
		byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(12 + bytes.length).putLong(correlation).putInt(bytes.length).put(bytes).array();
	}

	static byte[] correlation(long correlation) {
		return ByteBuffer.allocate(8).putLong(correlation).array();
	}

	static byte[] offer(long correlation, boolean held) {
		return ByteBuffer.allocate(9).putLong(correlation).put((byte) (held ? 1 : 0)).array();
	}

	/**
	 * @param correlation the requester's id
	 * @param entry the entry, or {@code null} for "not here"
	 * @param now epoch milliseconds, to send the remaining time to live (clocks of two nodes need not agree)
	 */
	static byte[] entryReply(long correlation, StorageEntry entry, long now) {
		if (entry == null) {
			return ByteBuffer.allocate(9).putLong(correlation).put((byte) 0).array();
		}
		byte[] type = (entry.contentType() != null) ? entry.contentType().getBytes(StandardCharsets.UTF_8)
				: new byte[0];
		return ByteBuffer.allocate(9 + 8 + 4 + type.length + 4 + entry.value().length)
			.putLong(correlation)
			.put((byte) 1)
			.putLong(entry.remainingMillis(now))
			.putInt(type.length)
			.put(type)
			.putInt(entry.value().length)
			.put(entry.value())
			.array();
	}

	static KeyRequest readKeyRequest(byte[] payload, int maxKeyLength) {
		Reader in = new Reader(payload);
		long correlation = in.readLong();
		// a Java char takes at most 3 UTF-8 bytes (a surrogate pair 4 for 2 chars)
		String key = in.readString(3L * maxKeyLength);
		in.end();
		if (key.isEmpty() || key.length() > maxKeyLength) {
			throw new StorageProtocolException("key of " + key.length() + " characters (1.." + maxKeyLength + ")");
		}
		return new KeyRequest(correlation, key);
	}

	static long readCorrelation(byte[] payload) {
		Reader in = new Reader(payload);
		long correlation = in.readLong();
		in.end();
		return correlation;
	}

	/** @return the correlation id an answer starts with, to find the request before reading the rest */
	static long peekCorrelation(byte[] payload) {
		return new Reader(payload).readLong();
	}

	static Offer readOffer(byte[] payload) {
		Reader in = new Reader(payload);
		Offer offer = new Offer(in.readLong(), in.readFlag());
		in.end();
		return offer;
	}

	/**
	 * @param payload the bytes that arrived
	 * @param key the key the request named (the reply does not repeat it)
	 * @param maxValueBytes largest value accepted
	 */
	static EntryReply readEntryReply(byte[] payload, String key, int maxValueBytes) {
		Reader in = new Reader(payload);
		long correlation = in.readLong();
		if (!in.readFlag()) {
			in.end();
			return new EntryReply(correlation, null, 0);
		}
		long remaining = in.readLong();
		if (remaining < 0) {
			throw new StorageProtocolException("negative time to live " + remaining);
		}
		String type = in.readString(MAX_CONTENT_TYPE_BYTES);
		byte[] value = in.readBytes(maxValueBytes);
		in.end();
		return new EntryReply(correlation, new StorageEntry(key, value, type.isEmpty() ? null : type, 0), remaining);
	}

	/** A message broke the storage protocol; it is dropped and counted. */
	static final class StorageProtocolException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		StorageProtocolException(String message) {
			super(message, null, false, false);
		}

	}

	/** The storage payloads' reads: 4-byte lengths, 0/1 flags, protocol faults as {@link StorageProtocolException}. */
	private static final class Reader {

		private final PayloadReader payload;

		Reader(byte[] payload) {
			this.payload = new PayloadReader(payload, StorageProtocolException::new);
		}

		long readLong() {
			return this.payload.i64();
		}

		boolean readFlag() {
			int flag = this.payload.u8();
			if (flag != 0 && flag != 1) {
				throw new StorageProtocolException("flag " + flag);
			}
			return flag == 1;
		}

		String readString(long maxBytes) {
			return new String(readBytes(maxBytes), StandardCharsets.UTF_8);
		}

		byte[] readBytes(long maxBytes) {
			return this.payload.bytes(this.payload.i32(), maxBytes);
		}

		void end() {
			this.payload.end();
		}

	}

}
