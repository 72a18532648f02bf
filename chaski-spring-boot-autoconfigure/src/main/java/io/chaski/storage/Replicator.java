package io.chaski.storage;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.node.ChaskiNode;
import io.chaski.node.Edge;
import io.chaski.node.EnvelopeHandler;
import io.chaski.node.NodeListener;
import io.chaski.node.PeerInfo;
import io.chaski.storage.ReplicationMessages.Purpose;
import io.chaski.storage.ReplicationMessages.Writes;
import io.chaski.storage.StorageMessages.StorageProtocolException;
import io.chaski.support.IoThreads;
import io.chaski.support.LogSafe;
import io.chaski.support.RateLimitedLog;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;

/**
 * Keeps a node's storage in sync with the other replicating members (docs/storage.md, "Replication"): pushes
 * every local write to them ({@link PushQueue}), applies theirs by last writer wins (idempotent, whatever the
 * order of arrival), refuses writes stamped too far in the future, and runs {@link AntiEntropy} rounds when a
 * link to a replicating peer opens and periodically. Peer messages are handed from the I/O threads to one worker
 * (the file has one writer anyway) through a bounded queue; a full queue drops the message (counted), and
 * anti-entropy repairs what it carried. Writes that arrive while the worker is busy wait in their own bounded
 * queue and are applied together, in one transaction: under load the batches grow instead of the backlog.
 */
final class Replicator implements EnvelopeHandler, NodeListener, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Replicator.class);

	private final ChaskiNode node;

	private final EntryStore store;

	private final HybridClock clock;

	private final StorageStats storageStats;

	private final ReplicationStats stats;

	private final ReplicationMessages messages;

	private final ReplicationLinks links;

	private final PushQueue push;

	private final AntiEntropy antiEntropy;

	private final ScheduledExecutorService timer;

	private final ThreadPoolExecutor worker;

	private final RateLimitedLog warnings = new RateLimitedLog(log);

	private final AtomicBoolean roundsRequested = new AtomicBoolean();

	/** Writes from peers waiting for the worker, applied together. */
	private final BlockingQueue<Incoming> incoming;

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	private volatile boolean closed;

	/**
	 * Subscribes the node to the replication topic and starts pushing and comparing.
	 * @param node the node
	 * @param store the file
	 * @param settings the storage's settings, replication on
	 * @param clock stamps writes
	 * @param stats counters
	 * @param timer schedules rounds and timeouts
	 */
	Replicator(ChaskiNode node, EntryStore store, StorageSettings settings, HybridClock clock, StorageStats stats,
			ScheduledExecutorService timer) {
		ReplicationSettings replication = settings.replication();
		this.node = node;
		this.store = store;
		this.clock = clock;
		this.storageStats = stats;
		this.stats = stats.replication();
		this.timer = timer;
		this.messages = new ReplicationMessages(replication.maxKeysPerMessage(), settings.maxKeyLength(),
				settings.maxValueBytes());
		this.links = new ReplicationLinks(node, replication.maxKeysPerMessage());
		this.push = new PushQueue(this.links, this.stats, replication.pushQueueCapacity(),
				replication.maxKeysPerMessage(), this::requestRounds, node.name());
		this.antiEntropy = new AntiEntropy(store, this.links, this.stats, clock, settings.fetchTimeout(),
				replication.maxKeysPerMessage());
		this.incoming = new ArrayBlockingQueue<>(settings.requestQueueCapacity());
		this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(settings.requestQueueCapacity()),
				IoThreads.factory("chaski-storage-replication-" + node.name() + "-"), new ThreadPoolExecutor.AbortPolicy());
		for (EnvelopeKind kind : List.of(EnvelopeKind.STORAGE_REPL_WRITES, EnvelopeKind.STORAGE_REPL_DIGEST,
				EnvelopeKind.STORAGE_REPL_VERSIONS, EnvelopeKind.STORAGE_REPL_WANT)) {
			node.registerHandler(kind, this);
		}
		node.addListener(this);
		node.subscribe(ReplicationLinks.TOPIC);
		long interval = replication.antiEntropyInterval().toMillis();
		timer.scheduleWithFixedDelay(this::roundsWithAll, interval, interval, TimeUnit.MILLISECONDS);
	}

	/** @param entry a write made on this node, to push to the peers */
	void written(StorageEntry entry) {
		this.push.offer(entry, null);
	}

	/** @param entries writes made on this node, to push to the peers */
	void written(List<StorageEntry> entries) {
		entries.forEach(this::written);
	}

	/** Starts an anti-entropy round with every replicating peer (each unless one is in flight with it). */
	void roundsWithAll() {
		this.roundsRequested.set(false);
		for (Edge peer : this.links.peers()) {
			submit(() -> this.antiEntropy.start(peer), "anti-entropy round");
		}
	}

	/** Writes could not be pushed: compare with every peer soon (once, however many were dropped). */
	private void requestRounds() {
		if (this.roundsRequested.compareAndSet(false, true)) {
			try {
				this.timer.schedule(this::roundsWithAll, 1, TimeUnit.SECONDS);
			}
			catch (RejectedExecutionException ex) {
				// closing
			}
		}
	}

	// ------------------------------------------------------------------ from the I/O threads

	@Override
	public void peerConnected(PeerInfo peer) {
		if (!this.closed && peer.subscriptions().contains(ReplicationLinks.TOPIC)) {
			for (Edge edge : this.links.peers()) {
				if (edge.nodeId().equals(peer.nodeId())) {
					submit(() -> this.antiEntropy.start(edge), "anti-entropy round on join");
				}
			}
		}
	}

	@Override
	public void peerDisconnected(PeerInfo peer, boolean graceful) {
		this.antiEntropy.forget(peer.nodeId());
	}

	@Override
	public void handle(Edge from, Envelope envelope) {
		if (envelope.kind() == EnvelopeKind.STORAGE_REPL_WRITES) {
			if (!this.incoming.offer(new Incoming(from, envelope))) {
				this.storageStats.rejected();
				this.warnings.warn("replication queue", "Storage replication of node {} drops writes from {}: {} "
						+ "messages wait", this.node.name(), from, this.incoming.size());
			}
			else if (this.drainScheduled.compareAndSet(false, true) && !submit(this::applyIncoming, "writes")) {
				this.drainScheduled.set(false);
			}
			return;
		}
		if (!submit(() -> process(from, envelope), envelope.kind().name())) {
			this.storageStats.rejected();
		}
	}

	private boolean submit(Runnable task, String what) {
		if (this.closed) {
			return false;
		}
		try {
			this.worker.execute(task);
			return true;
		}
		catch (RejectedExecutionException ex) {
			this.warnings.warn("replication queue", "Storage replication of node {} drops a {}: its queue is full",
					this.node.name(), what);
			return false;
		}
	}

	// ------------------------------------------------------------------ on the worker

	private void process(Edge from, Envelope envelope) {
		byte[] payload = envelope.payload();
		try {
			switch (envelope.kind()) {
				case STORAGE_REPL_DIGEST -> {
					this.stats.antiEntropyBytes(payload.length);
					this.antiEntropy.onDigest(from, ReplicationMessages.readDigest(payload));
				}
				case STORAGE_REPL_VERSIONS -> {
					this.stats.antiEntropyBytes(payload.length);
					if (this.antiEntropy.onVersions(from, this.messages.readVersions(payload))) {
						this.antiEntropy.start(from);
					}
				}
				case STORAGE_REPL_WANT -> {
					this.stats.antiEntropyBytes(payload.length);
					this.antiEntropy.onWant(from, this.messages.readWant(payload));
				}
				default -> throw new StorageProtocolException("unexpected kind " + envelope.kind());
			}
		}
		catch (StorageProtocolException ex) {
			this.storageStats.rejected();
			this.warnings.warn("replication malformed", "Storage replication of node {} drops a {} from {}: {}",
					this.node.name(), envelope.kind(), from, LogSafe.of(ex.getMessage()));
		}
		catch (RuntimeException ex) {
			this.storageStats.rejected();
			this.warnings.warn("replication failed", "Storage replication of node {} could not handle a {} from {}: {}",
					this.node.name(), envelope.kind(), from, LogSafe.of(ex), ex);
		}
	}

	/**
	 * Applies every waiting batch of writes in one transaction, by last writer wins; pushed news goes on to the
	 * other peers.
	 */
	private void applyIncoming() {
		this.drainScheduled.set(false);
		List<Incoming> batches = new ArrayList<>();
		this.incoming.drainTo(batches);
		Map<StorageEntry, Incoming> sources = new IdentityHashMap<>();
		List<StorageEntry> accepted = new ArrayList<>();
		for (Incoming batch : batches) {
			Writes writes = read(batch);
			if (writes == null) {
				continue;
			}
			for (StorageEntry entry : writes.entries()) {
				if (accept(batch.from(), entry)) {
					accepted.add(entry);
					sources.put(entry, batch);
				}
			}
		}
		List<StorageEntry> news = this.store.writeAll(accepted);
		this.stats.applied(news.size());
		this.stats.stale(accepted.size() - news.size());
		long now = this.clock.wallMillis();
		for (StorageEntry entry : news) {
			Incoming source = sources.get(entry);
			if (source.pushed()) {
				this.stats.lag(now - HybridClock.physicalMillis(entry.hlc()));
				this.push.offer(entry, source.from().nodeId());
			}
		}
	}

	/** @return the writes of a message, or {@code null} if malformed (dropped and counted) */
	private Writes read(Incoming batch) {
		byte[] payload = batch.envelope().payload();
		try {
			Writes writes = this.messages.readWrites(payload);
			batch.pushed = writes.purpose() == Purpose.PUSH;
			if (!batch.pushed) {
				this.stats.antiEntropyBytes(payload.length);
			}
			return writes;
		}
		catch (StorageProtocolException ex) {
			this.storageStats.rejected();
			this.warnings.warn("replication malformed", "Storage replication of node {} drops a {} from {}: {}",
					this.node.name(), EnvelopeKind.STORAGE_REPL_WRITES, batch.from(), LogSafe.of(ex.getMessage()));
			return null;
		}
	}

	/** @return whether a peer's write is stamped within the allowed skew (else refused, counted) */
	private boolean accept(Edge from, StorageEntry entry) {
		if (this.clock.witness(entry.hlc())) {
			return true;
		}
		this.stats.countRefused();
		this.warnings.warn("replication future", "Storage replication of node {} refuses key '{}' from {}: "
				+ "stamped {} ms ahead of this clock (chaski.storage.replication.max-clock-skew)", this.node.name(),
				LogSafe.of(entry.key()), from, HybridClock.physicalMillis(entry.hlc()) - this.clock.wallMillis());
		return false;
	}

	/** A message of writes waiting for the worker. */
	private static final class Incoming {

		private final Edge from;

		private final Envelope envelope;

		/** Set by the worker when it reads the message. */
		private boolean pushed;

		Incoming(Edge from, Envelope envelope) {
			this.from = from;
			this.envelope = envelope;
		}

		Edge from() {
			return this.from;
		}

		Envelope envelope() {
			return this.envelope;
		}

		boolean pushed() {
			return this.pushed;
		}

	}

	/** Stops pushing and answering, and leaves the replication topic. */
	@Override
	public void close() {
		this.closed = true;
		this.push.close();
		this.worker.shutdownNow();
		this.node.unsubscribe(ReplicationLinks.TOPIC);
	}

}
