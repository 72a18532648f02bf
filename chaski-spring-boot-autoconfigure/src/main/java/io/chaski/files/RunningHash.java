package io.chaski.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;

/**
 * The SHA-256 of a file being pushed, computed from the chunks as they are read for sending, so that the first
 * chunk leaves at once instead of after a pass over the whole file (that pass alone capped a transfer near half
 * of raw TCP; docs/performance.md). One push's transfers to several receivers share it: whichever reads a byte
 * first hashes it. Bytes no transfer has read (a resume that starts past them, or a push that ends early) are
 * read from the file when needed.
 */
final class RunningHash {

	private final MessageDigest digest = Digests.sha256();

	private final FileChannel channel;

	private final long size;

	/** Bytes hashed so far, from the start of the file. */
	private long hashed;

	/** The hash, once every byte is in. */
	private byte[] result;

	/**
	 * @param channel the file, read for bytes no transfer has read
	 * @param size the file's size when the push began
	 */
	RunningHash(FileChannel channel, long size) {
		this.channel = channel;
		this.size = size;
		if (size == 0) {
			this.result = this.digest.digest();
		}
	}

	/**
	 * Takes bytes read from the file for a chunk; only those beyond what is hashed count.
	 * @param offset where in the file the bytes were read
	 * @param data the buffer holding them
	 * @param from where in the buffer they start
	 * @param length how many
	 */
	synchronized void read(long offset, byte[] data, int from, int length) throws IOException {
		long end = offset + length;
		if (this.result != null || end <= this.hashed) {
			return;
		}
		catchUp(offset);
		int skip = (int) (this.hashed - offset);
		this.digest.update(data, from + skip, length - skip);
		this.hashed = end;
		if (end == this.size) {
			this.result = this.digest.digest();
		}
	}

	/**
	 * @return the SHA-256 of the whole file; reads what no transfer has read yet (none when a transfer sent it all)
	 * @throws IOException if the file cannot be read or is shorter than when the push began
	 */
	synchronized byte[] complete() throws IOException {
		if (this.result == null) {
			catchUp(this.size);
			this.result = this.digest.digest();
		}
		return this.result.clone();
	}

	private void catchUp(long offset) throws IOException {
		if (offset > this.hashed) {
			Digests.update(this.digest, this.channel, this.hashed, offset);
			this.hashed = offset;
		}
	}

}
