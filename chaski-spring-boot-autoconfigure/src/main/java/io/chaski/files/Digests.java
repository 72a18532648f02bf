package io.chaski.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of files and of their first bytes, read through one bounded buffer whatever the file size.
 */
final class Digests {

	private static final int BUFFER_BYTES = 1 << 20;

	private Digests() {
	}

	static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}

	/**
	 * Feeds a range of a file to a digest.
	 * @param digest the digest to update
	 * @param channel the file
	 * @param from offset of the first byte
	 * @param to offset after the last byte
	 * @throws IOException if the file is shorter or cannot be read
	 */
	static void update(MessageDigest digest, FileChannel channel, long from, long to) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BUFFER_BYTES, Math.max(1, to - from)));
		long position = from;
		while (position < to) {
			buffer.clear().limit((int) Math.min(buffer.capacity(), to - position));
			int read = channel.read(buffer, position);
			if (read < 0) {
				throw new IOException("the file ended at " + position + " of " + to + " bytes");
			}
			digest.update(buffer.array(), 0, read);
			position += read;
		}
	}

	/**
	 * @param channel the file
	 * @param length bytes to hash from the start
	 * @return the SHA-256 of those bytes
	 */
	static byte[] of(FileChannel channel, long length) throws IOException {
		MessageDigest digest = sha256();
		update(digest, channel, 0, length);
		return digest.digest();
	}

	/**
	 * @param file a file
	 * @return its SHA-256
	 */
	static byte[] of(Path file) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			return of(channel, channel.size());
		}
	}

}
