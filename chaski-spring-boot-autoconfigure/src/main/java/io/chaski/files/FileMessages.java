package io.chaski.files;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.chaski.wire.PayloadReader;

/**
 * The binary payloads of the file-transfer envelopes (docs/protocol.md, "File transfer"). Every length and count
 * read from a peer is checked against the bytes that arrived and against fixed limits before anything is
 * allocated; a payload that breaks them is a {@link FileProtocolException}.
 */
final class FileMessages {

	/** Bytes of a SHA-256 digest. */
	static final int HASH_BYTES = 32;

	/** Longest file name on the wire, in UTF-8 bytes; longer than any file system allows, so the receiver can say so. */
	static final int MAX_WIRE_NAME_BYTES = 1024;

	/** Longest file name accepted, in UTF-8 bytes (what most file systems allow). */
	static final int MAX_NAME_BYTES = 255;

	/** Most metadata entries a start may carry. */
	static final int MAX_METADATA_ENTRIES = 64;

	/** Longest metadata key or value, in UTF-8 bytes. */
	static final int MAX_METADATA_STRING_BYTES = 1024;

	/** Longest reason in a result, in UTF-8 bytes. */
	static final int MAX_REASON_BYTES = 512;

	/** Bytes before the data of a chunk: transfer id and offset. */
	static final int CHUNK_HEADER_BYTES = 16;

	private FileMessages() {
	}

	/**
	 * A FILE_START: what the sender offers. It has no hash: the sender hashes the chunks as it sends them, and the
	 * end carries the hash.
	 *
	 * @param transferId the sender's id for the transfer
	 * @param size the file's size
	 * @param modified the file's last-modified time at the sender (epoch milliseconds): with the sender's name,
	 * the file's name and size it names the file a partial one belongs to, for a resume
	 * @param name the file's name
	 * @param metadata what the sender attaches
	 */
	record Start(long transferId, long size, long modified, String name, Map<String, String> metadata) {
	}

	/** A FILE_END: every byte was sent, and this is the SHA-256 of them all. */
	record End(long transferId, byte[] sha256) {
	}

	/** A FILE_CREDIT: the receiver holds {@code acknowledged} bytes and lets the sender send up to {@code limit}. */
	record Credit(long transferId, long acknowledged, long limit) {
	}

	/** A FILE_RESULT: the receiver's outcome for a transfer. */
	record Result(long transferId, FileOutcome outcome, String reason) {
	}

	/** A FILE_CHUNK, its data a view into the payload (no copy). */
	record Chunk(long transferId, long offset, byte[] payload) {

		int dataOffset() {
			return CHUNK_HEADER_BYTES;
		}

		int length() {
			return this.payload.length - CHUNK_HEADER_BYTES;
		}

	}

	static byte[] start(Start start) {
		byte[] name = utf8(start.name());
		int size = 8 + 8 + 8 + 2 + name.length + 2;
		for (Map.Entry<String, String> entry : start.metadata().entrySet()) {
			size += 4 + utf8(entry.getKey()).length + utf8(entry.getValue()).length;
		}
		ByteBuffer buffer = ByteBuffer.allocate(size);
		buffer.putLong(start.transferId()).putLong(start.size()).putLong(start.modified());
		putString(buffer, name);
		buffer.putShort((short) start.metadata().size());
		start.metadata().forEach((key, value) -> {
			putString(buffer, utf8(key));
			putString(buffer, utf8(value));
		});
		return buffer.array();
	}

	static Start readStart(byte[] payload) {
		PayloadReader buffer = reader(payload);
		long transferId = buffer.i64();
		long size = buffer.i64();
		if (size < 0) {
			throw new FileProtocolException("negative file size " + size);
		}
		long modified = buffer.i64();
		String name = getString(buffer, MAX_WIRE_NAME_BYTES);
		int entries = buffer.u16();
		if (entries > MAX_METADATA_ENTRIES) {
			throw new FileProtocolException(entries + " metadata entries, more than " + MAX_METADATA_ENTRIES);
		}
		Map<String, String> metadata = new LinkedHashMap<>();
		for (int i = 0; i < entries; i++) {
			metadata.put(getString(buffer, MAX_METADATA_STRING_BYTES), getString(buffer, MAX_METADATA_STRING_BYTES));
		}
		buffer.end();
		return new Start(transferId, size, modified, name, Map.copyOf(metadata));
	}

	/**
	 * Makes a chunk payload with room for {@code length} data bytes after the header, for the caller to fill
	 * from {@link #CHUNK_HEADER_BYTES} on (one copy from disk to wire).
	 */
	static byte[] chunk(long transferId, long offset, int length) {
		return ByteBuffer.allocate(CHUNK_HEADER_BYTES + length).putLong(transferId).putLong(offset).array();
	}

	static Chunk readChunk(byte[] payload) {
		PayloadReader buffer = reader(payload);
		return new Chunk(buffer.i64(), buffer.i64(), payload);
	}

	static byte[] credit(Credit credit) {
		return ByteBuffer.allocate(24).putLong(credit.transferId()).putLong(credit.acknowledged())
			.putLong(credit.limit()).array();
	}

	static Credit readCredit(byte[] payload) {
		PayloadReader buffer = reader(payload);
		Credit credit = new Credit(buffer.i64(), buffer.i64(), buffer.i64());
		buffer.end();
		return credit;
	}

	static byte[] result(Result result) {
		byte[] reason = utf8(truncate(result.reason()));
		ByteBuffer buffer = ByteBuffer.allocate(8 + 1 + 2 + reason.length);
		buffer.putLong(result.transferId()).put((byte) result.outcome().ordinal());
		putString(buffer, reason);
		return buffer.array();
	}

	static Result readResult(byte[] payload) {
		PayloadReader buffer = reader(payload);
		long transferId = buffer.i64();
		int code = (buffer.remaining() > 0) ? buffer.u8() : -1;
		if (code < 0 || code >= FileOutcome.values().length) {
			throw new FileProtocolException("unknown file outcome " + code);
		}
		Result result = new Result(transferId, FileOutcome.values()[code], getString(buffer, MAX_REASON_BYTES));
		buffer.end();
		return result;
	}

	static byte[] end(End end) {
		return ByteBuffer.allocate(8 + HASH_BYTES).putLong(end.transferId()).put(end.sha256()).array();
	}

	static End readEnd(byte[] payload) {
		PayloadReader buffer = reader(payload);
		End end = new End(buffer.i64(), buffer.bytes(HASH_BYTES));
		buffer.end();
		return end;
	}

	/** FILE_CANCEL carries the transfer id only. */
	static byte[] id(long transferId) {
		return ByteBuffer.allocate(8).putLong(transferId).array();
	}

	static long readId(byte[] payload) {
		PayloadReader buffer = reader(payload);
		long id = buffer.i64();
		buffer.end();
		return id;
	}

	/** Cuts a reason to what the wire carries (by characters; a few multi-byte ones may still be cut below). */
	private static String truncate(String reason) {
		String text = (reason != null) ? reason : "";
		return (text.length() > MAX_REASON_BYTES / 3) ? text.substring(0, MAX_REASON_BYTES / 3) : text;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static void putString(ByteBuffer buffer, byte[] bytes) {
		buffer.putShort((short) bytes.length).put(bytes);
	}

	private static PayloadReader reader(byte[] payload) {
		return new PayloadReader(payload, reason -> new FileProtocolException("file payload: " + reason));
	}

	/** A string with a 2-byte length. */
	private static String getString(PayloadReader buffer, int maxBytes) {
		return buffer.utf8(buffer.u16(), maxBytes);
	}

}
