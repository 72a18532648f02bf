package io.chaski.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.node.Edge;
import io.chaski.storage.ReplicationMessages.Purpose;
import io.chaski.support.IoThreads;
import io.chaski.support.LogSafe;

/**
 * Pushes writes to the replicating peers as they happen: this node's own writes, and peers' writes that were news
 * here (relayed to every replicating peer but the one they came from, so writes cross a mesh that is not full;
 * a write that is not news stops there, so the flood ends). A bounded queue feeds one sender thread that sends
 * what has gathered in batches; when the queue is full a write is not pushed (counted) and the overflow handler
 * asks for anti-entropy, which brings it.
 */
final class PushQueue implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(PushQueue.class);

	private final ReplicationLinks links;

	private final ReplicationStats stats;

	private final int maxBatch;

	private final Runnable overflow;

	private final BlockingQueue<Outgoing> queue;

	private final Thread sender;

	private volatile boolean closed;

	/**
	 * @param links the replicating peers
	 * @param stats counters
	 * @param capacity most writes waiting
	 * @param maxBatch most writes taken for one send
	 * @param overflow run when a write could not be queued
	 * @param name the node's name, for the thread
	 */
	PushQueue(ReplicationLinks links, ReplicationStats stats, int capacity, int maxBatch, Runnable overflow,
			String name) {
		this.links = links;
		this.stats = stats;
		this.maxBatch = maxBatch;
		this.overflow = overflow;
		this.queue = new ArrayBlockingQueue<>(capacity);
		this.sender = IoThreads.newThread("chaski-storage-push-" + name, this::run);
		this.sender.start();
	}

	/**
	 * @param entry a write
	 * @param from the peer it came from (not sent back there), {@code null} for this node's own
	 */
	void offer(StorageEntry entry, UUID from) {
		if (!this.queue.offer(new Outgoing(entry, from))) {
			this.stats.countDropped();
			this.overflow.run();
		}
	}

	private void run() {
		List<Outgoing> batch = new ArrayList<>();
		while (!this.closed) {
			try {
				batch.add(this.queue.take());
				this.queue.drainTo(batch, this.maxBatch - 1);
				send(batch);
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				log.warn("Replication push failed: {}", LogSafe.of(ex), ex);
			}
			batch.clear();
		}
	}

	private void send(List<Outgoing> batch) {
		for (Edge peer : this.links.peers()) {
			List<StorageEntry> entries = new ArrayList<>(batch.size());
			for (Outgoing outgoing : batch) {
				if (!peer.nodeId().equals(outgoing.from())) {
					entries.add(outgoing.entry());
				}
			}
			if (!entries.isEmpty() && this.links.sendWrites(peer, Purpose.PUSH, entries) > 0) {
				this.stats.pushed(entries.size());
			}
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.sender.interrupt();
	}

	private record Outgoing(StorageEntry entry, UUID from) {
	}

}
