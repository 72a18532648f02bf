package io.chaski.files;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

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

	/** A FILE_START: what the sender offers. */
	record Start(long transferId, long size, byte[] sha256, String name, Map<String, String> metadata) {
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
		int size = 8 + 8 + HASH_BYTES + 2 + name.length + 2;
		for (Map.Entry<String, String> entry : start.metadata().entrySet()) {
			size += 4 + utf8(entry.getKey()).length + utf8(entry.getValue()).length;
		}
		ByteBuffer buffer = ByteBuffer.allocate(size);
		buffer.putLong(start.transferId()).putLong(start.size()).put(start.sha256());
		putString(buffer, name);
		buffer.putShort((short) start.metadata().size());
		start.metadata().forEach((key, value) -> {
			putString(buffer, utf8(key));
			putString(buffer, utf8(value));
		});
		return buffer.array();
	}

	static Start readStart(byte[] payload) {
		ByteBuffer buffer = ByteBuffer.wrap(payload);
		long transferId = getLong(buffer);
		long size = getLong(buffer);
		if (size < 0) {
			throw new FileProtocolException("negative file size " + size);
		}
		byte[] hash = getBytes(buffer, HASH_BYTES);
		String name = getString(buffer, MAX_WIRE_NAME_BYTES);
		int entries = getUnsignedShort(buffer);
		if (entries > MAX_METADATA_ENTRIES) {
			throw new FileProtocolException(entries + " metadata entries, more than " + MAX_METADATA_ENTRIES);
		}
		Map<String, String> metadata = new LinkedHashMap<>();
		for (int i = 0; i < entries; i++) {
			metadata.put(getString(buffer, MAX_METADATA_STRING_BYTES), getString(buffer, MAX_METADATA_STRING_BYTES));
		}
		requireEnd(buffer);
		return new Start(transferId, size, hash, name, Map.copyOf(metadata));
	}

	/**
	 * Makes a chunk payload with room for {@code length} data bytes after the header, for the caller to fill
	 * from {@link #CHUNK_HEADER_BYTES} on (one copy from disk to wire).
	 */
	static byte[] chunk(long transferId, long offset, int length) {
		return ByteBuffer.allocate(CHUNK_HEADER_BYTES + length).putLong(transferId).putLong(offset).array();
	}

	static Chunk readChunk(byte[] payload) {
		ByteBuffer buffer = ByteBuffer.wrap(payload);
		return new Chunk(getLong(buffer), getLong(buffer), payload);
	}

	static byte[] credit(Credit credit) {
		return ByteBuffer.allocate(24).putLong(credit.transferId()).putLong(credit.acknowledged())
			.putLong(credit.limit()).array();
	}

	static Credit readCredit(byte[] payload) {
		ByteBuffer buffer = ByteBuffer.wrap(payload);
		Credit credit = new Credit(getLong(buffer), getLong(buffer), getLong(buffer));
		requireEnd(buffer);
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
		ByteBuffer buffer = ByteBuffer.wrap(payload);
		long transferId = getLong(buffer);
		int code = (buffer.remaining() > 0) ? buffer.get() & 0xFF : -1;
		if (code < 0 || code >= FileOutcome.values().length) {
			throw new FileProtocolException("unknown file outcome " + code);
		}
		Result result = new Result(transferId, FileOutcome.values()[code], getString(buffer, MAX_REASON_BYTES));
		requireEnd(buffer);
		return result;
	}

	/** FILE_END and FILE_CANCEL carry the transfer id only. */
	static byte[] id(long transferId) {
		return ByteBuffer.allocate(8).putLong(transferId).array();
	}

	static long readId(byte[] payload) {
		ByteBuffer buffer = ByteBuffer.wrap(payload);
		long id = getLong(buffer);
		requireEnd(buffer);
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

	private static long getLong(ByteBuffer buffer) {
		if (buffer.remaining() < 8) {
			throw new FileProtocolException("file payload too short");
		}
		return buffer.getLong();
	}

	private static int getUnsignedShort(ByteBuffer buffer) {
		if (buffer.remaining() < 2) {
			throw new FileProtocolException("file payload too short");
		}
		return buffer.getShort() & 0xFFFF;
	}

	private static byte[] getBytes(ByteBuffer buffer, int length) {
		if (buffer.remaining() < length) {
			throw new FileProtocolException("file payload too short");
		}
		byte[] bytes = new byte[length];
		buffer.get(bytes);
		return bytes;
	}

	private static String getString(ByteBuffer buffer, int maxBytes) {
		int length = getUnsignedShort(buffer);
		if (length > maxBytes) {
			throw new FileProtocolException("string of " + length + " bytes, more than " + maxBytes);
		}
		byte[] bytes = getBytes(buffer, length);
		try {
			return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
		}
		catch (CharacterCodingException ex) {
			throw new FileProtocolException("string that is not UTF-8");
		}
	}

	private static void requireEnd(ByteBuffer buffer) {
		if (buffer.hasRemaining()) {
			throw new FileProtocolException(buffer.remaining() + " stray bytes in a file payload");
		}
	}

}
