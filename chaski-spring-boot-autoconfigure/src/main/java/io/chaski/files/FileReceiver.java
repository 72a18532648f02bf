package io.chaski.files;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.node.Edge;
import io.chaski.support.LogSafe;
import io.chaski.support.RateLimitedLog;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;

/**
 * The receiving side: decides on offers (refusing before anything is written), accepts chunks within the credit it
 * granted, and hands the disk work to the file pool, one transfer's work in order. Handlers run on I/O threads and
 * never touch the disk.
 */
final class FileReceiver {

	private static final Logger log = LoggerFactory.getLogger(FileReceiver.class);

	/** Chunks one transfer may have waiting for the disk: bounds memory even for a sender of tiny chunks. */
	static final int MAX_CHUNKS_IN_FLIGHT = 1024;

	private final RateLimitedLog warnings = new RateLimitedLog(log);

	private final FileTransfers files;

	private final FileSettings settings;

	private final Executor pool;

	private final Map<TransferKey, IncomingTransfer> transfers = new ConcurrentHashMap<>();

	FileReceiver(FileTransfers files, FileSettings settings, Executor pool) {
		this.files = files;
		this.settings = settings;
		this.pool = pool;
	}

	void onStart(Edge from, Envelope envelope) {
		FileMessages.Start start = FileMessages.readStart(envelope.payload());
		TransferKey key = new TransferKey(from.nodeId(), start.transferId());
		IncomingTransfer known = this.transfers.get(key);
		if (known != null) {
			// the sender lost its link and offers the transfer again: go on from what is on disk
			known.reattach(from);
			submit(known, () -> credit(known, known.resume(this.settings.window())));
			return;
		}
		String refusal = refusal(start);
		if (refusal != null) {
			refuse(from, start.transferId(), refusal);
			return;
		}
		Path target = FileNames.resolve(this.settings.directory(), start.name());
		IncomingTransfer transfer = new IncomingTransfer(start, from, envelope.topic(), target,
				this.settings.overwrite(), new SerialWork(this.pool));
		synchronized (this.transfers) {
			if (this.transfers.size() >= this.settings.maxTransfers()) {
				refuse(from, start.transferId(), "busy: " + this.settings.maxTransfers() + " transfers under way");
				return;
			}
			this.transfers.put(key, transfer);
		}
		submit(transfer, () -> {
			transfer.open();
			credit(transfer, transfer.grant(this.settings.window()));
		});
	}

	/** @return why an offer is refused, or {@code null}; nothing has touched the disk yet */
	private String refusal(FileMessages.Start start) {
		if (!this.settings.enabled()) {
			return "receiving files is off on this node (chaski.files.enabled)";
		}
		String badName = FileNames.problem(start.name());
		if (badName != null) {
			return badName;
		}
		if (start.size() > this.settings.maxSize()) {
			return "file of " + start.size() + " bytes is larger than the maximum of " + this.settings.maxSize()
					+ " bytes (chaski.files.max-size)";
		}
		Path target = FileNames.resolve(this.settings.directory(), start.name());
		if (!this.settings.overwrite() && Files.exists(target)) {
			return "a file of that name exists (chaski.files.overwrite is off)";
		}
		return null;
	}

	void onChunk(Edge from, Envelope envelope) {
		FileMessages.Chunk chunk = FileMessages.readChunk(envelope.payload());
		IncomingTransfer transfer = this.transfers.get(new TransferKey(from.nodeId(), chunk.transferId()));
		if (transfer == null) {
			return; // failed or cancelled meanwhile: its chunks still in flight are dropped
		}
		String violation = transfer.accept(chunk, MAX_CHUNKS_IN_FLIGHT);
		if (violation != null) {
			fail(transfer, "protocol violation: " + violation);
			return;
		}
		this.files.stats().bytesReceived.add(chunk.length());
		submit(transfer, () -> {
			transfer.write(chunk);
			if (transfer.creditLow(this.settings.window())) {
				credit(transfer, transfer.grant(this.settings.window()));
			}
		});
	}

	void onEnd(Edge from, Envelope envelope) {
		IncomingTransfer transfer = this.transfers.get(new TransferKey(from.nodeId(),
				FileMessages.readId(envelope.payload())));
		if (transfer == null) {
			return;
		}
		submit(transfer, () -> {
			String failure;
			try {
				failure = transfer.finish();
			}
			catch (FileAlreadyExistsException ex) {
				failure = "a file of that name appeared meanwhile (chaski.files.overwrite is off)";
			}
			if (failure != null) {
				fail(transfer, failure);
				return;
			}
			this.transfers.remove(transfer.key());
			answer(transfer.from(), transfer.start().transferId(), FileOutcome.STORED, "");
			this.files.stats().countReceived(FileOutcome.STORED);
			this.files.received(transfer.received());
		});
	}

	void onCancel(Edge from, Envelope envelope) {
		IncomingTransfer transfer = this.transfers.get(new TransferKey(from.nodeId(),
				FileMessages.readId(envelope.payload())));
		if (transfer != null) {
			fail(transfer, "cancelled by the sender");
		}
	}

	/** Fails transfers whose sender made no progress within the timeout. */
	void sweep(long nowNanos, long timeoutNanos) {
		for (IncomingTransfer transfer : List.copyOf(this.transfers.values())) {
			if (nowNanos - transfer.lastProgressNanos() > timeoutNanos) {
				fail(transfer, "no data from the sender for " + this.settings.timeout());
			}
		}
	}


	/** Fails every transfer (their temporary files are deleted): the node is stopping. */
	void close() {
		List.copyOf(this.transfers.values()).forEach(transfer -> fail(transfer, "the receiving node stopped"));
	}

	List<TransferInfo> active() {
		return this.transfers.values().stream().map(IncomingTransfer::info).toList();
	}

	/** Ends a transfer that went wrong: nothing of it is kept, and the sender hears why. */
	private void fail(IncomingTransfer transfer, String reason) {
		if (this.transfers.remove(transfer.key()) == null) {
			return; // failed already
		}
		this.files.stats().countReceived(FileOutcome.FAILED);
		this.warnings.warn("file-failed", "Node {}: file '{}' from {} failed: {}", this.files.nodeName(),
				LogSafe.of(transfer.start().name()), transfer.from(), reason);
		answer(transfer.from(), transfer.start().transferId(), FileOutcome.FAILED, reason);
		try {
			transfer.work().submit(transfer::discard);
		}
		catch (RejectedExecutionException ex) {
			transfer.discard(); // the pool is saturated: clean up here rather than leave the file
		}
	}

	private void refuse(Edge to, long transferId, String reason) {
		this.files.stats().countReceived(FileOutcome.REFUSED);
		log.debug("Node {} refuses file {} from {}: {}", this.files.nodeName(), transferId, to, reason);
		answer(to, transferId, FileOutcome.REFUSED, reason);
	}

	/** Runs disk work for a transfer; failing it (with nothing kept) if the work throws or the pool is full. */
	private void submit(IncomingTransfer transfer, DiskWork work) {
		try {
			transfer.work().submit(() -> {
				if (!this.transfers.containsKey(transfer.key())) {
					return; // failed meanwhile; its discard is queued
				}
				try {
					work.run();
				}
				catch (Exception ex) {
					// the peer learns the kind of failure, the log has the local details
					log.warn("Node {}: cannot write file '{}': {}", this.files.nodeName(),
							LogSafe.of(transfer.start().name()), ex.toString());
					fail(transfer, "cannot write the file (" + ex.getClass().getSimpleName() + ")");
				}
			});
		}
		catch (RejectedExecutionException ex) {
			fail(transfer, "this node's file pool is saturated");
		}
	}

	private void credit(IncomingTransfer transfer, FileMessages.Credit credit) {
		this.files.send(transfer.from(), EnvelopeKind.FILE_CREDIT, "", FileMessages.credit(credit));
	}

	private void answer(Edge to, long transferId, FileOutcome outcome, String reason) {
		this.files.send(to, EnvelopeKind.FILE_RESULT, "",
				FileMessages.result(new FileMessages.Result(transferId, outcome, reason)));
	}

	/** Disk work that may fail. */
	@FunctionalInterface
	private interface DiskWork {

		void run() throws Exception;

	}

}
