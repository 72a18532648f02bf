package io.chaski.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import io.chaski.node.Edge;

/**
 * A file this node sends to one peer: how far it has sent, how far the peer lets it send (credit), and the
 * peer's answer to come. Chunks are read from the shared channel at their offsets, so several peers read one
 * file independently; the pump runs on the file pool, one at a time per transfer.
 */
final class OutgoingTransfer {

	/**
	 * Offers in a row after link losses with no credit between them before the transfer is given up: a receiver
	 * that drops the link on every offer (a node of an earlier file-protocol revision closes on the unknown kind)
	 * would otherwise be offered the file for ever, each link coming back renewing the wait.
	 */
	static final int MAX_OFFERS_WITHOUT_CREDIT = 5;

	private final Offer offer;

	/** The edge to the receiver; replaced when the link comes back after a loss. */
	private volatile Edge to;

	private final SerialWork work;

	private final Instant started = Instant.now();

	private final CompletableFuture<FileDelivery> delivery = new CompletableFuture<>();

	/** Offset of the next chunk (pump only). */
	private long sent;

	private boolean endSent;

	private volatile long limit;

	/** Offset the receiver holds after a resume, for the pump to go back to; -1 when not resuming. */
	private volatile long resumeFrom = -1;

	/** Whether the link was lost and the transfer waits for the receiver to come back. */
	private volatile boolean detached;

	/**
	 * START was sent (first, or again after a link loss): the next credit says where sending starts, which is
	 * past 0 when the receiver holds part of the file already (a resume, possibly across restarts).
	 */
	private volatile boolean offered = true;

	private volatile long lastProgressNanos = System.nanoTime();

	/** Offers since the last credit (the first included). */
	private volatile int offersWithoutCredit = 1;

	OutgoingTransfer(Offer offer, Edge to, SerialWork work) {
		this.offer = offer;
		this.to = to;
		this.work = work;
	}

	/**
	 * What one push offers every receiver: the same id, file and START payload.
	 *
	 * @param transferId the push's transfer id
	 * @param topic the topic pushed to
	 * @param name the file's name
	 * @param size its size
	 * @param start the FILE_START payload, sent again on a resume
	 * @param path the file
	 * @param modified its last-modified time when the push began
	 * @param channel the file, read at each chunk's offset by every receiver's transfer
	 * @param hash the file's SHA-256, computed from the chunks as they are read, for the end
	 */
	record Offer(long transferId, String topic, String name, long size, byte[] start, Path path, FileTime modified,
			FileChannel channel, RunningHash hash) {

		/**
		 * @return why the file is not the one offered any more, or {@code null}: the receiver gets the bytes as they
		 * were read and hashed, so a file written to during the push could be stored as a mix of old and new
		 */
		String changed() throws IOException {
			if (this.channel.size() != this.size || !Files.getLastModifiedTime(this.path).equals(this.modified)) {
				return "the file changed while it was sent";
			}
			return null;
		}

	}

	long size() {
		return this.offer.size();
	}

	long transferId() {
		return this.offer.transferId();
	}

	String topic() {
		return this.offer.topic();
	}

	byte[] start() {
		return this.offer.start();
	}

	Edge to() {
		return this.to;
	}

	SerialWork work() {
		return this.work;
	}

	CompletableFuture<FileDelivery> delivery() {
		return this.delivery;
	}

	long lastProgressNanos() {
		return this.lastProgressNanos;
	}

	TransferInfo info() {
		long sent = Math.min(this.sent, size());
		return new TransferInfo(transferId(), "out", this.to.nodeId(), this.offer.name(), size(), sent,
				FileTransfers.rate(sent, this.started), this.started);
	}

	boolean detached() {
		return this.detached;
	}

	/** The link to the receiver was lost: pumping stops until it is back (or the timeout fails the transfer). */
	void detach() {
		this.detached = true;
	}

	/** @return whether {@link #MAX_OFFERS_WITHOUT_CREDIT} offers in a row got no credit: no more are made */
	boolean offeredTooOften() {
		return this.offersWithoutCredit >= MAX_OFFERS_WITHOUT_CREDIT;
	}

	/**
	 * The receiver is linked again: what follows goes over the new edge, from the offset its next credit names.
	 * @param edge the new edge
	 */
	void reattach(Edge edge) {
		this.offersWithoutCredit++;
		this.to = edge;
		this.offered = true;
		this.detached = false;
		this.lastProgressNanos = System.nanoTime();
	}

	/**
	 * Takes a credit from the receiver (I/O thread).
	 * @return whether it allows more than was allowed before
	 */
	boolean credit(FileMessages.Credit credit) {
		this.lastProgressNanos = System.nanoTime();
		this.offersWithoutCredit = 0;
		if (this.offered) {
			// the first credit after an offer: what the receiver holds is where sending goes on
			this.offered = false;
			this.resumeFrom = credit.acknowledged();
			this.limit = credit.limit();
			return true;
		}
		if (credit.limit() > this.limit) {
			this.limit = credit.limit();
			return true;
		}
		return false;
	}

	/** Something arrived from the receiver: it is alive. */
	void progress() {
		this.lastProgressNanos = System.nanoTime();
	}

	/**
	 * Sends what the credit allows, hashing what it reads, then the end with the hash once every byte is out (file
	 * pool).
	 * @param chunkSize data bytes per chunk
	 * @param out sends an envelope to the peer, {@code false} if its queue refused
	 * @return why sending failed, or {@code null}
	 */
	String pump(int chunkSize, ChunkSink out) throws IOException {
		long from = this.resumeFrom;
		if (from >= 0) {
			this.resumeFrom = -1;
			this.sent = Math.min(from, size());
			this.endSent = false;
		}
		long until = Math.min(this.limit, size());
		while (this.sent < until) {
			int length = (int) Math.min(chunkSize, until - this.sent);
			byte[] payload = FileMessages.chunk(transferId(), this.sent, length);
			ByteBuffer data = ByteBuffer.wrap(payload, FileMessages.CHUNK_HEADER_BYTES, length);
			long position = this.sent;
			while (data.hasRemaining()) {
				int read = this.offer.channel().read(data, position);
				if (read < 0) {
					return "the file shrank while it was sent";
				}
				position += read;
			}
			this.offer.hash().read(this.sent, payload, FileMessages.CHUNK_HEADER_BYTES, length);
			if (!out.chunk(payload, length)) {
				return "the outbound queue to the peer stayed full";
			}
			this.sent += length;
		}
		if (this.sent == size() && !this.endSent) {
			String changed = this.offer.changed();
			if (changed != null) {
				return changed;
			}
			this.endSent = true;
			if (!out.end(this.offer.hash().complete())) {
				return "the outbound queue to the peer stayed full";
			}
		}
		return null;
	}

	/** Where the pump sends. */
	interface ChunkSink {

		/**
		 * @param payload a FILE_CHUNK payload
		 * @param dataLength the file bytes it carries
		 * @return whether it was queued
		 */
		boolean chunk(byte[] payload, int dataLength);

		/**
		 * @param sha256 the SHA-256 of the whole file
		 * @return whether the end was queued
		 */
		boolean end(byte[] sha256);

	}

}
