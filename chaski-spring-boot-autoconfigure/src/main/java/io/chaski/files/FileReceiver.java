package io.chaski.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;

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

	private final Executor flusher;

	private final Map<TransferKey, IncomingTransfer> transfers = new ConcurrentHashMap<>();

	FileReceiver(FileTransfers files, FileSettings settings, Executor pool, Executor flusher) {
		this.files = files;
		this.settings = settings;
		this.pool = pool;
		this.flusher = flusher;
	}

	void onStart(Edge from, Envelope envelope) {
		FileMessages.Start start = FileMessages.readStart(envelope.payload());
		IncomingTransfer known = this.transfers.get(new TransferKey(from.nodeId(), start.transferId()));
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
		// the rest looks at the disk (an identical file may be in place already): not on the I/O thread
		try {
			this.pool.execute(() -> decide(from, start, envelope.topic()));
		}
		catch (RejectedExecutionException ex) {
			refuse(from, start.transferId(), "busy: this node's file pool is saturated");
		}
	}

	/** @return why an offer is refused at once, or {@code null}; nothing has touched the disk yet */
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
		return null;
	}

	/**
	 * Answers an offer that passed the first checks (file pool): a check of the file in place when one of that name
	 * and size is there already (its answer may have been lost with a link), a resume if a transfer of the same
	 * file from a node of the same name waits for its restarted sender, else a new transfer that may go on from a
	 * partial file left on disk.
	 */
	private void decide(Edge from, FileMessages.Start start, String topic) {
		Path target = FileNames.resolve(this.settings.directory(), start.name());
		byte[] inPlace = null;
		if (Files.exists(target) && !this.settings.overwrite()) {
			try {
				if (Files.size(target) != start.size()) {
					refuse(from, start.transferId(), "a file of that name exists (chaski.files.overwrite is off)");
					return;
				}
				// it may be this very file: the end's hash will say (no chunk is sent for it)
				inPlace = Digests.of(target);
			}
			catch (IOException ex) {
				refuse(from, start.transferId(),
						"cannot read the existing file (" + ex.getClass().getSimpleName() + ")");
				return;
			}
		}
		PartialFile partial = PartialFile.of(this.settings.directory(), from.name(), start);
		IncomingTransfer transfer;
		synchronized (this.transfers) {
			IncomingTransfer same = this.transfers.values().stream()
				.filter(other -> other.partial().key().equals(partial.key())).findFirst().orElse(null);
			if (same != null) {
				if (this.files.linked(same.from())) {
					refuse(from, start.transferId(), "busy: the same file from that node is being received");
					return;
				}
				// its sender restarted (a new id under the same name) and pushes the same file again
				this.transfers.remove(same.key());
				same.takeOver(from, start.transferId());
				this.transfers.put(same.key(), same);
				submit(same, () -> credit(same, same.resume(this.settings.window())));
				return;
			}
			if (this.transfers.size() >= this.settings.maxTransfers()) {
				refuse(from, start.transferId(), "busy: " + this.settings.maxTransfers() + " transfers under way");
				return;
			}
			transfer = new IncomingTransfer(start, from, topic, target, this.settings.overwrite(), partial,
					!this.settings.resumeWindow().isZero(), new SerialWork(this.pool));
			this.transfers.put(transfer.key(), transfer);
		}
		byte[] held = inPlace;
		submit(transfer, () -> {
			if (held != null) {
				transfer.holdInPlace(held);
			}
			else {
				transfer.open(this.settings.resumeWindow());
			}
			credit(transfer, transfer.grant(this.settings.window()));
		});
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
			transfer.flushBehind(this.flusher);
			if (transfer.creditLow(this.settings.window())) {
				credit(transfer, transfer.grant(this.settings.window()));
			}
		});
	}

	void onEnd(Edge from, Envelope envelope) {
		FileMessages.End end = FileMessages.readEnd(envelope.payload());
		IncomingTransfer transfer = this.transfers.get(new TransferKey(from.nodeId(), end.transferId()));
		if (transfer == null) {
			return;
		}
		submit(transfer, () -> {
			if (transfer.inPlace()) {
				answerInPlace(transfer, end.sha256());
				return;
			}
			String failure;
			try {
				failure = transfer.finish(end.sha256());
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

	/** The end of an offer of a file in place: stored if it is the very file, else refused, the name is taken. */
	private void answerInPlace(IncomingTransfer transfer, byte[] sha256) {
		if (this.transfers.remove(transfer.key()) == null) {
			return;
		}
		if (transfer.sameAsInPlace(sha256)) {
			this.files.stats().countReceived(FileOutcome.STORED);
			answer(transfer.from(), transfer.start().transferId(), FileOutcome.STORED, "");
		}
		else {
			refuse(transfer.from(), transfer.start().transferId(),
					"a file of that name and size with other content exists (chaski.files.overwrite is off)");
		}
	}

	void onCancel(Edge from, Envelope envelope) {
		IncomingTransfer transfer = this.transfers.get(new TransferKey(from.nodeId(),
				FileMessages.readId(envelope.payload())));
		if (transfer != null) {
			fail(transfer, "cancelled by the sender");
		}
	}

	/**
	 * Stops transfers whose sender made no progress within the timeout; their partial files stay for a resume
	 * within the resume window.
	 */
	void sweep(long nowNanos, long timeoutNanos) {
		for (IncomingTransfer transfer : List.copyOf(this.transfers.values())) {
			if (nowNanos - transfer.lastProgressNanos() > timeoutNanos) {
				end(transfer, "no data from the sender for " + this.settings.timeout(), true);
			}
		}
	}

	/** Deletes partial files older than the resume window, except those of transfers under way. */
	void sweepPartials() {
		if (!this.settings.enabled()) {
			return;
		}
		Set<String> active = this.transfers.values().stream().map(transfer -> transfer.partial().key())
			.collect(Collectors.toSet());
		try {
			int deleted = PartialFile.sweep(this.settings.directory(), this.settings.resumeWindow(), active);
			if (deleted > 0) {
				log.info("Node {} deleted {} partial files older than {} (chaski.files.resume-window)",
						this.files.nodeName(), deleted, this.settings.resumeWindow());
			}
		}
		catch (IOException ex) {
			this.warnings.warn("partial-sweep", "Node {} cannot sweep partial files in {}: {}", this.files.nodeName(),
					this.settings.directory(), ex.toString());
		}
	}


	/**
	 * Stops every transfer, the node is stopping: their partial files stay for a resume, and the senders are not
	 * told, so that they wait (up to the timeout) for this node, or its next process, to be linked again.
	 */
	void close() {
		for (IncomingTransfer transfer : List.copyOf(this.transfers.values())) {
			if (this.transfers.remove(transfer.key()) != null) {
				runOrHere(transfer, transfer::park);
			}
		}
	}

	List<TransferInfo> active() {
		return this.transfers.values().stream().map(IncomingTransfer::info).toList();
	}

	/** Ends a transfer that went wrong: nothing of it is kept, and the sender hears why. */
	private void fail(IncomingTransfer transfer, String reason) {
		end(transfer, reason, false);
	}

	/**
	 * Ends a transfer that did not store its file, telling the sender why.
	 * @param keep whether its partial file stays for a resume (the sender went silent) or is deleted
	 */
	private void end(IncomingTransfer transfer, String reason, boolean keep) {
		if (this.transfers.remove(transfer.key()) == null) {
			return; // ended already
		}
		this.files.stats().countReceived(FileOutcome.FAILED);
		this.warnings.warn("file-failed", "Node {}: file '{}' from {} failed: {}", this.files.nodeName(),
				LogSafe.of(transfer.start().name()), transfer.from(), reason);
		answer(transfer.from(), transfer.start().transferId(), FileOutcome.FAILED, reason);
		runOrHere(transfer, keep ? transfer::park : transfer::discard);
	}

	/** Runs a transfer's last disk work after what it has queued, or here if the pool is saturated. */
	private static void runOrHere(IncomingTransfer transfer, Runnable work) {
		try {
			transfer.work().submit(work);
		}
		catch (RejectedExecutionException ex) {
			work.run();
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
