package io.chaski.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

import io.chaski.node.Edge;

/**
 * One file this node receives: a temporary file in the target directory that grows chunk by chunk (on the file
 * pool, in order), a running SHA-256, and the credit granted to the sender. On the end it checks size and hash and
 * moves the file into place in one step, so no partial file is ever visible under the final name. Only the serial
 * work touches the channel and the digest.
 */
final class IncomingTransfer {

	private final FileMessages.Start start;

	/** The edge from the sender; replaced when the link comes back after a loss. */
	private volatile Edge from;

	private final String topic;

	private final Path target;

	private final boolean overwrite;

	private final SerialWork work;

	private final Instant started = Instant.now();

	private final MessageDigest digest = FileTransfers.sha256();

	private Path temp;

	private FileChannel channel;

	/** Next offset the sender may send (I/O threads; reset by a resume). */
	private volatile long received;

	/** Chunks accepted but not yet written (I/O thread increments, the work decrements). */
	private final AtomicInteger inFlight = new AtomicInteger();

	private volatile long written;

	private volatile long granted;

	private volatile long lastProgressNanos = System.nanoTime();

	IncomingTransfer(FileMessages.Start start, Edge from, String topic, Path target, boolean overwrite,
			SerialWork work) {
		this.start = start;
		this.from = from;
		this.topic = topic;
		this.target = target;
		this.overwrite = overwrite;
		this.work = work;
	}

	FileMessages.Start start() {
		return this.start;
	}

	Edge from() {
		return this.from;
	}

	SerialWork work() {
		return this.work;
	}

	long lastProgressNanos() {
		return this.lastProgressNanos;
	}

	TransferInfo info() {
		return new TransferInfo(this.start.transferId(), "in", this.from.nodeId(), this.start.name(),
				this.start.size(), this.written, FileTransfers.rate(this.written, this.started), this.started);
	}

	/**
	 * The sender came back after a link loss and offered the same transfer again (I/O thread).
	 * @param edge the new edge
	 */
	void reattach(Edge edge) {
		this.from = edge;
		this.lastProgressNanos = System.nanoTime();
	}

	/**
	 * Resumes after a link loss (file pool, after every accepted chunk was written): chunks are expected again
	 * from what is on disk, and the sender is told so.
	 * @param window the receiver's window
	 * @return the credit that tells the sender where to go on
	 */
	FileMessages.Credit resume(long window) {
		this.received = this.written;
		return grant(window);
	}

	/** Creates the temporary file (on the file pool). */
	void open() throws IOException {
		Files.createDirectories(this.target.getParent());
		this.temp = Files.createTempFile(this.target.getParent(), ".chaski-", ".part");
		this.channel = FileChannel.open(this.temp, StandardOpenOption.WRITE);
	}

	/**
	 * Accepts a chunk on the I/O thread if it is the next one and within the credit.
	 * @return why it breaks the protocol, or {@code null} when accepted
	 */
	String accept(FileMessages.Chunk chunk, int maxChunksInFlight) {
		long end = chunk.offset() + chunk.length();
		if (chunk.length() <= 0 || chunk.offset() != this.received) {
			return "chunk at " + chunk.offset() + " of " + chunk.length() + " bytes, expected offset " + this.received;
		}
		if (end > this.start.size() || end > this.granted) {
			return "chunk beyond the size or the credit granted";
		}
		if (this.inFlight.incrementAndGet() > maxChunksInFlight) {
			return "more than " + maxChunksInFlight + " chunks in flight";
		}
		this.received = end;
		this.lastProgressNanos = System.nanoTime();
		return null;
	}

	/** Writes an accepted chunk (on the file pool). */
	void write(FileMessages.Chunk chunk) throws IOException {
		ByteBuffer data = ByteBuffer.wrap(chunk.payload(), chunk.dataOffset(), chunk.length());
		long position = chunk.offset();
		while (data.hasRemaining()) {
			position += this.channel.write(data, position);
		}
		this.digest.update(chunk.payload(), chunk.dataOffset(), chunk.length());
		this.written = position;
		this.inFlight.decrementAndGet();
	}

	/**
	 * @param window the receiver's window
	 * @return whether the sender has less than half a window left to send, so it is time to grant more
	 */
	boolean creditLow(long window) {
		return this.granted - this.written <= window / 2;
	}

	/**
	 * @param window the receiver's window
	 * @return a credit that lets the sender have a whole window in flight beyond what is written
	 */
	FileMessages.Credit grant(long window) {
		long written = this.written;
		this.granted = written + window;
		return new FileMessages.Credit(this.start.transferId(), written, this.granted);
	}

	/**
	 * Checks size and hash and moves the file into place (on the file pool).
	 * @return why it failed, or {@code null} when stored
	 */
	String finish() throws IOException {
		if (this.written != this.start.size()) {
			return "size mismatch: received " + this.written + " of " + this.start.size() + " bytes";
		}
		if (!MessageDigest.isEqual(this.digest.digest(), this.start.sha256())) {
			return "SHA-256 mismatch: the file was corrupted on the way";
		}
		this.channel.force(true);
		this.channel.close();
		if (this.overwrite) {
			Files.move(this.temp, this.target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		else {
			moveUnlessTaken();
		}
		return null;
	}

	/** A hard link appears atomically and never replaces a file; where links are not supported, a checked move. */
	private void moveUnlessTaken() throws IOException {
		try {
			Files.createLink(this.target, this.temp);
			Files.delete(this.temp);
		}
		catch (FileAlreadyExistsException ex) {
			throw ex;
		}
		catch (UnsupportedOperationException | IOException ex) {
			if (Files.exists(this.target)) {
				throw new FileAlreadyExistsException(this.target.toString());
			}
			Files.move(this.temp, this.target, StandardCopyOption.ATOMIC_MOVE);
		}
	}

	/** Closes and deletes the temporary file (on the file pool); nothing of the transfer is kept. */
	void discard() {
		try {
			if (this.channel != null) {
				this.channel.close();
			}
			if (this.temp != null) {
				Files.deleteIfExists(this.temp);
			}
		}
		catch (IOException ex) {
			// the temporary name is hidden and random: at worst a stray .part file is left behind
		}
	}

	ReceivedFile received() {
		return new ReceivedFile(this.target, this.start.name(), this.start.size(),
				HexFormat.of().formatHex(this.start.sha256()), this.start.metadata(), this.from.nodeId(), this.topic);
	}

	/** @return the key of this transfer: sender and id */
	TransferKey key() {
		return new TransferKey(this.from.nodeId(), this.start.transferId());
	}

}
