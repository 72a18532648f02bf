package io.chaski.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.chaski.node.Edge;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;

/**
 * The sending side: offers a file to every peer in the topic, and sends each peer chunks as far as its credit
 * allows, hashing them on the way, then the end with the hash. Each peer's answer completes its part of the
 * result; a peer that stays silent for the timeout, or whose link is lost, fails its part.
 */
final class FileSender {

	private final FileTransfers files;

	private final FileSettings settings;

	private final Executor pool;

	private final int chunkSize;

	private final Map<TransferKey, OutgoingTransfer> transfers = new ConcurrentHashMap<>();

	private final AtomicInteger pushes = new AtomicInteger();

	FileSender(FileTransfers files, FileSettings settings, Executor pool, int chunkSize) {
		this.files = files;
		this.settings = settings;
		this.pool = pool;
		this.chunkSize = chunkSize;
	}

	CompletableFuture<FileTransferResult> push(String topic, Path path, Map<String, String> metadata) {
		String name = checkedName(path);
		Map<String, String> meta = checkedMetadata(metadata);
		if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
			throw new IllegalArgumentException("not a readable file: " + path);
		}
		if (this.pushes.incrementAndGet() > this.settings.maxTransfers()) {
			this.pushes.decrementAndGet();
			return CompletableFuture.failedFuture(new IllegalStateException(
					"busy: " + this.settings.maxTransfers() + " files are being sent (chaski.files.max-transfers)"));
		}
		long transferId = this.files.nextId();
		CompletableFuture<FileTransferResult> result = new CompletableFuture<>();
		result.whenComplete((done, failure) -> {
			this.pushes.decrementAndGet();
			if (failure instanceof CancellationException) {
				cancel(transferId);
			}
		});
		try {
			this.pool.execute(() -> offerAll(transferId, topic, path, name, meta, result));
		}
		catch (RejectedExecutionException ex) {
			result.completeExceptionally(new IllegalStateException("this node's file pool is saturated", ex));
		}
		return result;
	}

	/**
	 * Offers the file to every peer in the topic and to every subscriber the directory knows behind other nodes
	 * (file pool).
	 */
	private void offerAll(long transferId, String topic, Path path, String name, Map<String, String> metadata,
			CompletableFuture<FileTransferResult> result) {
		if (result.isDone()) {
			return; // cancelled before it began
		}
		FileChannel channel = null;
		long size;
		FileTime modified;
		try {
			channel = FileChannel.open(path, StandardOpenOption.READ);
			size = channel.size();
			modified = Files.getLastModifiedTime(path);
		}
		catch (IOException ex) {
			if (channel != null) {
				closeQuietly(channel);
			}
			result.completeExceptionally(ex);
			return;
		}
		FileChannel opened = channel;
		RunningHash hash = new RunningHash(opened, size);
		OutgoingTransfer.Offer offer = new OutgoingTransfer.Offer(transferId, topic, name, size,
				FileMessages.start(new FileMessages.Start(transferId, size, modified.toMillis(), name, metadata)), path,
				modified, opened, hash);
		Map<UUID, CompletableFuture<FileDelivery>> deliveries = new LinkedHashMap<>();
		for (Edge edge : this.files.edgesFor(topic)) {
			deliveries.put(edge.nodeId(), offer(offer, edge));
		}
		// subscribers behind other nodes: linked directly for this push, their answers as any peer's
		List<SubscriberDirectory.Subscriber> remote = this.files.unlinkedSubscribers(topic);
		for (SubscriberDirectory.Subscriber subscriber : remote) {
			deliveries.put(subscriber.id(), this.files.link(subscriber)
				.thenComposeAsync(edge -> result.isDone() ? failed(subscriber, "cancelled") : offer(offer, edge),
						this.pool)
				.exceptionally(ex -> new FileDelivery(subscriber.id(), subscriber.name(), FileOutcome.FAILED,
						"cannot link to it at " + subscriber.host() + ":" + subscriber.port() + ": "
								+ FileTransfers.reason(ex))));
		}
		if (result.isCancelled()) {
			cancel(transferId); // cancelled while the offers went out
		}
		CompletableFuture.allOf(deliveries.values().toArray(CompletableFuture[]::new)).whenComplete((done, ex) -> {
			remote.forEach(subscriber -> this.files.unlink(subscriber.id()));
			Map<UUID, FileDelivery> outcomes = new LinkedHashMap<>();
			deliveries.forEach((peer, delivery) -> outcomes.put(peer, delivery.join()));
			// the hash may still need a read of the file (no receiver took all of it): not on an I/O thread
			Runnable complete = () -> {
				result.complete(new FileTransferResult(transferId, name, size, hex(hash), Map.copyOf(outcomes)));
				closeQuietly(opened);
			};
			try {
				this.pool.execute(complete);
			}
			catch (RejectedExecutionException rejected) {
				complete.run();
			}
		});
	}

	/** @return the file's SHA-256 in hex, or an empty string if the file could not be read to its end */
	private static String hex(RunningHash hash) {
		try {
			return HexFormat.of().formatHex(hash.complete());
		}
		catch (IOException ex) {
			return "";
		}
	}

	/** Offers the file to one peer and starts its part of the transfer. */
	private CompletableFuture<FileDelivery> offer(OutgoingTransfer.Offer offer, Edge edge) {
		OutgoingTransfer transfer = new OutgoingTransfer(offer, edge, new SerialWork(this.pool));
		this.transfers.put(key(transfer), transfer);
		if (!this.files.send(edge, EnvelopeKind.FILE_START, offer.topic(), offer.start())) {
			fail(transfer, "the outbound queue to the peer stayed full", false);
		}
		return transfer.delivery();
	}

	private static CompletableFuture<FileDelivery> failed(SubscriberDirectory.Subscriber subscriber, String reason) {
		return CompletableFuture.completedFuture(new FileDelivery(subscriber.id(), subscriber.name(),
				FileOutcome.FAILED, reason));
	}

	/** @return whether a transfer to the peer is under way */
	boolean sendsTo(UUID peer) {
		return this.transfers.keySet().stream().anyMatch(key -> key.peer().equals(peer));
	}

	void onCredit(Edge from, Envelope envelope) {
		FileMessages.Credit credit = FileMessages.readCredit(envelope.payload());
		OutgoingTransfer transfer = this.transfers.get(new TransferKey(from.nodeId(), credit.transferId()));
		if (transfer == null) {
			return;
		}
		if (credit.acknowledged() < 0 || credit.acknowledged() > transfer.size()
				|| credit.limit() < credit.acknowledged()) {
			fail(transfer, "protocol violation: credit to " + credit.limit() + " from " + credit.acknowledged()
					+ " for a file of " + transfer.size() + " bytes", true);
			return;
		}
		if (!transfer.credit(credit)) {
			return;
		}
		try {
			transfer.work().submit(() -> pump(transfer));
		}
		catch (RejectedExecutionException ex) {
			fail(transfer, "this node's file pool is saturated", true);
		}
	}

	private void pump(OutgoingTransfer transfer) {
		if (!this.transfers.containsKey(key(transfer)) || transfer.detached()) {
			return;
		}
		Edge edge = transfer.to();
		String failure;
		try {
			failure = transfer.pump(this.chunkSize, new OutgoingTransfer.ChunkSink() {

				@Override
				public boolean chunk(byte[] payload, int dataLength) {
					boolean queued = FileSender.this.files.send(edge, EnvelopeKind.FILE_CHUNK, "", payload);
					if (queued) {
						FileSender.this.files.stats().bytesSent.add(dataLength);
					}
					return queued;
				}

				@Override
				public boolean end(byte[] sha256) {
					return FileSender.this.files.send(edge, EnvelopeKind.FILE_END, "",
							FileMessages.end(new FileMessages.End(transfer.transferId(), sha256)));
				}

			});
		}
		catch (IOException ex) {
			failure = "cannot read the file: " + ex;
		}
		if (failure == null) {
			return;
		}
		if (this.files.linked(edge)) {
			fail(transfer, failure, true);
		}
		else if (transfer.to() == edge) {
			transfer.detach(); // the link dropped under the pump: a resume goes on where the receiver stands
		}
		// else the peer is back already and its new credit pumps again
	}

	void onResult(Edge from, Envelope envelope) {
		FileMessages.Result result = FileMessages.readResult(envelope.payload());
		OutgoingTransfer transfer = this.transfers.remove(new TransferKey(from.nodeId(), result.transferId()));
		if (transfer != null) {
			this.files.stats().countSent(result.outcome());
			transfer.delivery().complete(new FileDelivery(from.nodeId(), from.name(), result.outcome(),
					result.reason()));
		}
	}

	/** Gives a push up: each receiver deletes what it holds of it. */
	private void cancel(long transferId) {
		for (OutgoingTransfer transfer : List.copyOf(this.transfers.values())) {
			if (transfer.transferId() == transferId) {
				fail(transfer, "cancelled", true);
			}
		}
	}

	/** Fails transfers whose receiver stayed silent for the timeout. */
	void sweep(long nowNanos, long timeoutNanos) {
		for (OutgoingTransfer transfer : List.copyOf(this.transfers.values())) {
			if (nowNanos - transfer.lastProgressNanos() > timeoutNanos) {
				fail(transfer, "no answer from the receiver for " + this.settings.timeout(), true);
			}
		}
	}

	/**
	 * The link to a peer was lost: its transfers wait for it to come back (the timeout fails them if it does not).
	 * @param peer the peer's id
	 */
	void peerGone(UUID peer) {
		for (OutgoingTransfer transfer : this.transfers.values()) {
			if (transfer.to().nodeId().equals(peer)) {
				transfer.detach();
			}
		}
	}

	/**
	 * A peer is linked again: its waiting transfers offer themselves again, and its credit says where to go on. A
	 * peer with a new id but the same name is the receiver's next process: it resumes from its partial file.
	 * @param edge the new edge to the peer
	 */
	void peerBack(Edge edge) {
		for (OutgoingTransfer transfer : List.copyOf(this.transfers.values())) {
			Edge old = transfer.to();
			boolean same = old.nodeId().equals(edge.nodeId());
			boolean restarted = !same && old.name().equals(edge.name())
					&& !this.transfers.containsKey(new TransferKey(edge.nodeId(), transfer.transferId()));
			if (!transfer.detached() || !(same || restarted)) {
				continue;
			}
			if (transfer.offeredTooOften()) {
				fail(transfer, "offered " + OutgoingTransfer.MAX_OFFERS_WITHOUT_CREDIT + " times, the link was lost "
						+ "each time before a credit (a node of an earlier release does not know the file kinds)",
						false);
				continue;
			}
			if (restarted && !this.transfers.remove(key(transfer), transfer)) {
				continue; // failed meanwhile
			}
			transfer.reattach(edge);
			if (restarted) {
				this.transfers.put(key(transfer), transfer);
			}
			this.files.send(edge, EnvelopeKind.FILE_START, transfer.topic(), transfer.start());
		}
	}

	/**
	 * Fails every transfer, the node is stopping. The receivers are not told to cancel: they keep what they hold
	 * for a while, so that this node's next process pushing the same file resumes it.
	 */
	void close() {
		List.copyOf(this.transfers.values()).forEach(transfer -> fail(transfer, "the sending node stopped", false));
	}

	List<TransferInfo> active() {
		return this.transfers.values().stream().map(OutgoingTransfer::info).toList();
	}

	private void fail(OutgoingTransfer transfer, String reason, boolean tellReceiver) {
		if (this.transfers.remove(key(transfer)) == null) {
			return;
		}
		if (tellReceiver) {
			// the receiver deletes what it holds; if this is lost too, its own timeout does it
			this.files.send(transfer.to(), EnvelopeKind.FILE_CANCEL, "", FileMessages.id(transfer.transferId()));
		}
		this.files.stats().countSent(FileOutcome.FAILED);
		transfer.delivery().complete(new FileDelivery(transfer.to().nodeId(), transfer.to().name(),
				FileOutcome.FAILED, reason));
	}

	private static TransferKey key(OutgoingTransfer transfer) {
		return new TransferKey(transfer.to().nodeId(), transfer.transferId());
	}

	private static String checkedName(Path path) {
		Path fileName = path.getFileName();
		String name = (fileName != null) ? fileName.toString() : "";
		if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > FileMessages.MAX_NAME_BYTES) {
			throw new IllegalArgumentException("file name must be 1.." + FileMessages.MAX_NAME_BYTES + " bytes: " + path);
		}
		return name;
	}

	private static Map<String, String> checkedMetadata(Map<String, String> metadata) {
		Map<String, String> meta = (metadata != null) ? metadata : Map.of();
		if (meta.size() > FileMessages.MAX_METADATA_ENTRIES) {
			throw new IllegalArgumentException("at most " + FileMessages.MAX_METADATA_ENTRIES + " metadata entries");
		}
		List<String> strings = new ArrayList<>();
		meta.forEach((key, value) -> {
			strings.add(key);
			strings.add(value);
		});
		for (String text : strings) {
			if (text == null || text.getBytes(StandardCharsets.UTF_8).length > FileMessages.MAX_METADATA_STRING_BYTES) {
				throw new IllegalArgumentException("metadata keys and values must be non-null and at most "
						+ FileMessages.MAX_METADATA_STRING_BYTES + " bytes");
			}
		}
		return Map.copyOf(meta);
	}

	private static void closeQuietly(FileChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// read-only: nothing is lost
		}
	}

}
