package io.chaski.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Reads the binary payload of an envelope from a peer (storage, file transfer, remote calls): every read is
 * checked against the bytes that are left, and every length against them and its limit, before anything is
 * allocated. A payload that breaks this raises the caller's own exception, made from a reason, so each feature
 * reports malformed payloads its own way.
 */
public final class PayloadReader {

	private final ByteBuffer buffer;

	private final Function<String, ? extends RuntimeException> malformed;

	/**
	 * @param payload the bytes that arrived
	 * @param malformed makes the exception thrown for a malformed payload from its reason
	 */
	public PayloadReader(byte[] payload, Function<String, ? extends RuntimeException> malformed) {
		this.buffer = ByteBuffer.wrap(payload);
		this.malformed = malformed;
	}

	/** @return the next unsigned byte */
	public int u8() {
		need(1);
		return this.buffer.get() & 0xFF;
	}

	/** @return the next unsigned 16-bit value */
	public int u16() {
		need(2);
		return this.buffer.getShort() & 0xFFFF;
	}

	/** @return the next signed 32-bit value */
	public int i32() {
		need(4);
		return this.buffer.getInt();
	}

	/** @return the next signed 64-bit value */
	public long i64() {
		need(8);
		return this.buffer.getLong();
	}

	/**
	 * @param length a length read from the payload (hostile: negative or larger than what is left)
	 * @return that many bytes
	 */
	public byte[] bytes(int length) {
		if (length < 0 || length > this.buffer.remaining()) {
			throw this.malformed.apply("a value claims " + Integer.toUnsignedString(length) + " bytes but "
					+ this.buffer.remaining() + " are left");
		}
		byte[] bytes = new byte[length];
		this.buffer.get(bytes);
		return bytes;
	}

	/**
	 * @param length a length read from the payload
	 * @param maxBytes the most this value may have
	 * @return that many bytes
	 */
	public byte[] bytes(int length, long maxBytes) {
		if (Integer.toUnsignedLong(length) > maxBytes) {
			throw this.malformed.apply("a value claims " + Integer.toUnsignedString(length)
					+ " bytes, more than the limit of " + maxBytes);
		}
		return bytes(length);
	}

	/**
	 * @param length a length read from the payload
	 * @param maxBytes the most the string may have
	 * @return the string, which must be valid UTF-8
	 */
	public String utf8(int length, long maxBytes) {
		byte[] bytes = bytes(length, maxBytes);
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw this.malformed.apply("a string that is not UTF-8");
		}
	}

	/** @return the bytes not read yet */
	public int remaining() {
		return this.buffer.remaining();
	}

	/** Checks that the payload has nothing after what was read. */
	public void end() {
		if (this.buffer.hasRemaining()) {
			throw this.malformed.apply(this.buffer.remaining() + " stray bytes after the payload");
		}
	}

	private void need(int bytes) {
		if (this.buffer.remaining() < bytes) {
			throw this.malformed.apply("payload ends early: " + bytes + " more bytes wanted, "
					+ this.buffer.remaining() + " left");
		}
	}

}
