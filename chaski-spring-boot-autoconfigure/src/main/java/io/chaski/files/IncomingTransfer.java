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
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.chaski.node.Edge;

/**
 * One file this node receives: a partial file in the target directory that grows chunk by chunk (on the file
 * pool, in order), a running SHA-256, and the credit granted to the sender. On the end it checks size and hash and
 * moves the file into place in one step, so no partial file is ever visible under the final name. With resuming
 * on, every credit first records in a sidecar how much is written, so that a later transfer of the same file,
 * in this process or the next, goes on from there ({@link PartialFile}). Only the serial work touches the channel
 * and the digest.
 */
final class IncomingTransfer {

	/**
	 * Bytes written between two flushes to the device behind the writes. Without them the force at the end, before
	 * a file counts as stored, waited for the whole file: 1.7 to 1.9 s of a 1 GiB transfer's 5 s on this VM's disk;
	 * with a flush every 16 MiB it waits for about 40 ms, and the writes meanwhile slow little (docs/performance.md).
	 */
	static final long FLUSH_BEHIND_BYTES = 16L << 20;

	/** The offer; replaced when a restarted sender takes the transfer over under a new id. */
	private volatile FileMessages.Start start;

	/** The edge from the sender; replaced when the link comes back after a loss. */
	private volatile Edge from;

	private final String topic;

	private final Path target;

	private final boolean overwrite;

	private final PartialFile partial;

	/** Whether the partial state is kept for a later resume, rather than deleted when the transfer stops. */
	private final boolean resumable;

	private final SerialWork work;

	private final Instant started = Instant.now();

	private final MessageDigest digest = Digests.sha256();

	private FileChannel channel;

	/** Next offset the sender may send (I/O threads; reset by a resume). */
	private volatile long received;

	/** Chunks accepted but not yet written (I/O thread increments, the work decrements). */
	private final AtomicInteger inFlight = new AtomicInteger();

	private volatile long written;

	private volatile long granted;

	/** Offset last recorded in the sidecar, -1 before the first (the serial work only). */
	private long saved = -1;

	/**
	 * The SHA-256 of the file of that name already in place when the offer names one, so the end only says
	 * whether it is the same file; {@code null} for a transfer that writes a file.
	 */
	private byte[] inPlace;

	/** Bytes written when the last flush behind began (the serial work only). */
	private long flushedUpTo;

	/** Whether a flush behind is queued or running. */
	private final AtomicBoolean flushing = new AtomicBoolean();

	/** The SHA-256 the end carried and the data matched, once stored. */
	private byte[] sha256;

	private volatile long lastProgressNanos = System.nanoTime();

	IncomingTransfer(FileMessages.Start start, Edge from, String topic, Path target, boolean overwrite,
			PartialFile partial, boolean resumable, SerialWork work) {
		this.start = start;
		this.from = from;
		this.topic = topic;
		this.target = target;
		this.overwrite = overwrite;
		this.partial = partial;
		this.resumable = resumable;
		this.work = work;
	}

	PartialFile partial() {
		return this.partial;
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
	 * A restarted sender (same name, a new id) offers the same file under a new transfer id: it takes this
	 * transfer over (I/O or file thread, with the transfer out of the receiver's map while its key changes).
	 * @param edge the edge from the new sender
	 * @param transferId the new sender's transfer id
	 */
	void takeOver(Edge edge, long transferId) {
		FileMessages.Start old = this.start;
		this.start = new FileMessages.Start(transferId, old.size(), old.modified(), old.name(), old.metadata());
		reattach(edge);
	}

	/**
	 * Resumes after a link loss (file pool, after every accepted chunk was written): chunks are expected again
	 * from what is on disk, and the sender is told so.
	 * @param window the receiver's window
	 * @return the credit that tells the sender where to go on
	 */
	FileMessages.Credit resume(long window) throws IOException {
		this.received = this.written;
		return grant(window);
	}

	/**
	 * Creates the partial file, or reopens the one an earlier transfer of the same file left within the window and
	 * goes on after the bytes it wrote (on the file pool; those bytes are read once to restore the running hash).
	 * @param resumeWindow how old a partial file may be to count
	 */
	void open(Duration resumeWindow) throws IOException {
		long offset = this.resumable ? this.partial.resumable(resumeWindow) : 0;
		this.channel = FileChannel.open(this.partial.create(), StandardOpenOption.READ, StandardOpenOption.WRITE);
		Digests.update(this.digest, this.channel, 0, offset);
		this.channel.truncate(offset);
		this.written = offset;
		this.received = offset;
	}

	/**
	 * Makes this transfer a check of the file of that name already in place (on the file pool): the first credit
	 * says every byte is held, so the sender sends no chunk, only the end with its hash.
	 * @param sha256 the hash of the file in place
	 */
	void holdInPlace(byte[] sha256) {
		this.inPlace = sha256.clone();
		this.written = this.start.size();
		this.received = this.written;
	}

	/** @return whether this transfer checks a file in place rather than writing one */
	boolean inPlace() {
		return this.inPlace != null;
	}

	/**
	 * @param sha256 the hash the end carried
	 * @return whether the file in place is the one the sender offered
	 */
	boolean sameAsInPlace(byte[] sha256) {
		return MessageDigest.isEqual(this.inPlace, sha256);
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
	 * Starts a flush of what is written to the device on the flusher, once {@link #FLUSH_BEHIND_BYTES} more are
	 * written and no flush of this transfer is under way (the serial work). Writing goes on meanwhile; the flush
	 * only spares the force at the end most of its wait.
	 * @param flusher where flushes run
	 */
	void flushBehind(Executor flusher) {
		long written = this.written;
		if (written - this.flushedUpTo < FLUSH_BEHIND_BYTES || !this.flushing.compareAndSet(false, true)) {
			return;
		}
		this.flushedUpTo = written;
		FileChannel file = this.channel;
		try {
			flusher.execute(() -> {
				try {
					file.force(false);
				}
				catch (IOException ex) {
					// closed meanwhile, or the device failed: the force at the end decides
				}
				finally {
					this.flushing.set(false);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.flushing.set(false); // the node is stopping
		}
	}

	/**
	 * @param window the receiver's window
	 * @return whether a quarter of the window was written since the last grant, so it is time to grant more: the
	 * sender's credit then stays at least three quarters of a window ahead of what is written, so it does not run
	 * dry while a credit travels (docs/performance.md, file runs of 2026-12-01 20:10-20:43)
	 */
	boolean creditLow(long window) {
		return this.granted - this.written <= window - window / 4;
	}

	/**
	 * @param window the receiver's window
	 * @return a credit that lets the sender have a whole window in flight beyond what is written
	 */
	FileMessages.Credit grant(long window) throws IOException {
		long written = this.written;
		// the sidecar is rewritten every half window, not at each (quarter-window) credit: any recorded offset up
		// to what is written is a valid resume point, and a write and rename per MiB costs the disk thread
		if (this.resumable && this.inPlace == null && (this.saved < 0 || written - this.saved >= window / 2)) {
			this.partial.save(written);
			this.saved = written;
		}
		this.granted = written + window;
		return new FileMessages.Credit(this.start.transferId(), written, this.granted);
	}

	/**
	 * Checks size and hash and moves the file into place (on the file pool).
	 * @param sha256 the hash the end carried: the sender's, of every byte it sent
	 * @return why it failed, or {@code null} when stored
	 */
	String finish(byte[] sha256) throws IOException {
		if (this.written != this.start.size()) {
			return "size mismatch: received " + this.written + " of " + this.start.size() + " bytes";
		}
		if (!MessageDigest.isEqual(this.digest.digest(), sha256)) {
			return "SHA-256 mismatch: the file was corrupted on the way, or changed at the sender";
		}
		this.sha256 = sha256.clone();
		this.channel.force(true);
		this.channel.close();
		if (this.overwrite) {
			Files.move(this.partial.part(), this.target, StandardCopyOption.ATOMIC_MOVE,
					StandardCopyOption.REPLACE_EXISTING);
		}
		else {
			moveUnlessTaken();
		}
		this.partial.deleteSidecar();
		return null;
	}

	/** A hard link appears atomically and never replaces a file; where links are not supported, a checked move. */
	private void moveUnlessTaken() throws IOException {
		try {
			Files.createLink(this.target, this.partial.part());
			Files.delete(this.partial.part());
		}
		catch (FileAlreadyExistsException ex) {
			throw ex;
		}
		catch (UnsupportedOperationException | IOException ex) {
			if (Files.exists(this.target)) {
				throw new FileAlreadyExistsException(this.target.toString());
			}
			Files.move(this.partial.part(), this.target, StandardCopyOption.ATOMIC_MOVE);
		}
	}

	/** Closes and deletes the partial file (on the file pool); nothing of the transfer is kept. */
	void discard() {
		try {
			closeChannel();
			this.partial.delete();
		}
		catch (IOException ex) {
			// the name is hidden: at worst a stray partial file is left for the sweep
		}
	}

	/**
	 * Stops receiving but keeps the partial file and its sidecar for a later resume (on the file pool): the
	 * sender went silent or this node stops. Without resuming, it discards them.
	 */
	void park() {
		if (!this.resumable) {
			discard();
			return;
		}
		if (this.channel == null) {
			return; // never opened: whatever an earlier transfer left stays as it was
		}
		try {
			closeChannel();
			this.partial.save(this.written);
			this.partial.close();
		}
		catch (IOException ex) {
			// the sidecar may be stale or missing: a resume then starts over, never from a wrong offset
		}
	}

	private void closeChannel() throws IOException {
		if (this.channel != null && this.channel.isOpen()) {
			this.channel.close();
		}
	}

	/** @return the file as stored, after {@link #finish} */
	ReceivedFile received() {
		return new ReceivedFile(this.target, this.start.name(), this.start.size(),
				HexFormat.of().formatHex(this.sha256), this.start.metadata(), this.from.nodeId(), this.topic);
	}

	/** @return the key of this transfer: sender and id */
	TransferKey key() {
		return new TransferKey(this.from.nodeId(), this.start.transferId());
	}

}
