package io.chaski.files;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.node.ChaskiNode;
import io.chaski.node.Edge;
import io.chaski.node.EnvelopeHandler;
import io.chaski.node.NodeListener;
import io.chaski.node.PeerInfo;
import io.chaski.support.IoThreads;
import io.chaski.support.LogSafe;
import io.chaski.support.RateLimitedLog;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;

/**
 * File transfer over a {@link ChaskiNode} (docs/files.md): pushes files to the peers in a topic and, when enabled,
 * receives files into a directory. Flow control is by credit per transfer, so memory stays bounded by the window
 * whatever the file size, and chunks share each link's queue with topic messages instead of blocking it. Disk work
 * runs on a small bounded pool, never on I/O threads.
 */
public final class FileTransfers implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(FileTransfers.class);

	/** Places in the file pool's queue: each transfer holds at most one, so this bounds transfers per node. */
	private static final int POOL_QUEUE = 4096;

	/** Longest time between two sweeps of stale partial files. */
	private static final long PARTIAL_SWEEP_NANOS = TimeUnit.MINUTES.toNanos(1);

	/** How long a stopping node waits for its file threads to finish (a partial file's last write). */
	private static final long CLOSE_WAIT_SECONDS = 5;

	private final RateLimitedLog warnings = new RateLimitedLog(log);

	private final ChaskiNode node;

	private final FileSettings settings;

	private final FileStats stats = new FileStats();

	private final ThreadPoolExecutor pool;

	/**
	 * Forces received data to the device behind the writes (one flush per transfer at most, queued or running), so
	 * that the force before a file counts as stored has little left to wait for.
	 */
	private final ThreadPoolExecutor flusher;

	private final FileReceiver receiver;

	private final FileSender sender;

	private final List<Consumer<ReceivedFile>> listeners = new CopyOnWriteArrayList<>();

	private ScheduledExecutorService sweeper;

	private volatile SubscriberDirectory directory = SubscriberDirectory.NONE;

	private volatile boolean closed;

	/**
	 * Registers the file envelopes with the node.
	 * @param node the node to run on
	 * @param settings receiving, limits, chunk size and window
	 */
	public FileTransfers(ChaskiNode node, FileSettings settings) {
		this.node = node;
		this.settings = settings;
		this.pool = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(POOL_QUEUE), IoThreads.factory(node.name() + "-files-"));
		this.pool.allowCoreThreadTimeOut(true);
		this.flusher = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(POOL_QUEUE),
				IoThreads.factory(node.name() + "-files-flush-"));
		this.flusher.allowCoreThreadTimeOut(true);
		// a chunk, its header and the envelope around it stay well inside one frame
		int chunkSize = Math.min(settings.chunkSize(), node.settings().maxFrameBytes() / 2);
		this.receiver = new FileReceiver(this, settings, this.pool, this.flusher);
		this.sender = new FileSender(this, settings, this.pool, chunkSize);
		register(EnvelopeKind.FILE_START, this.receiver::onStart);
		register(EnvelopeKind.FILE_CHUNK, this.receiver::onChunk);
		register(EnvelopeKind.FILE_END, this.receiver::onEnd);
		register(EnvelopeKind.FILE_CANCEL, this.receiver::onCancel);
		register(EnvelopeKind.FILE_CREDIT, this.sender::onCredit);
		register(EnvelopeKind.FILE_RESULT, this.sender::onResult);
		if (settings.enabled()) {
			// partial files a previous process left beyond the window go at start, not only once transfers run
			this.pool.execute(this.receiver::sweepPartials);
		}
		node.addListener(new NodeListener() {

			@Override
			public void peerDisconnected(PeerInfo peer, boolean graceful) {
				// incoming transfers simply wait: the sender offers them again when it is back
				FileTransfers.this.sender.peerGone(peer.nodeId());
			}

			@Override
			public void peerConnected(PeerInfo peer) {
				Edge edge = edge(peer.nodeId());
				if (edge != null) {
					FileTransfers.this.sender.peerBack(edge);
				}
			}

		});
	}

	/** @return the settings files are sent and received with */
	public FileSettings settings() {
		return this.settings;
	}

	/** @return counters for metrics */
	public FileStats stats() {
		return this.stats;
	}

	/** @return the transfers in progress, both directions */
	public List<TransferInfo> active() {
		List<TransferInfo> all = new ArrayList<>(this.sender.active());
		all.addAll(this.receiver.active());
		return all;
	}

	/**
	 * Lets pushes reach subscribers this node is not linked to (behind other nodes): each is linked directly for
	 * the push, and the link closed again afterwards if nothing else needs it.
	 * @param subscribers who subscribes to a topic, and where (typically {@link MembershipDirectory})
	 */
	public void useDirectory(SubscriberDirectory subscribers) {
		this.directory = Objects.requireNonNull(subscribers, "subscribers");
	}

	/** @param listener told about every file this node stored (on a file thread; keep it short) */
	public void addListener(Consumer<ReceivedFile> listener) {
		this.listeners.add(listener);
	}

	/**
	 * Sends a file to every peer in a topic that is linked to this node, and to the subscribers the directory
	 * knows behind other nodes ({@link #useDirectory}).
	 * @param topic the topic
	 * @param path the file
	 * @param metadata strings that travel with it (at most 64 entries of 1 KiB)
	 * @return per receiving node, whether it stored the file and why not; completes when every node answered or
	 * stayed silent for the timeout. Cancelling it cancels the transfer: the receivers delete what they hold.
	 * @throws IllegalArgumentException if the topic is blank, the path is not a readable file, or the name or
	 * metadata are too long for the wire
	 */
	public CompletableFuture<FileTransferResult> push(String topic, Path path, Map<String, String> metadata) {
		if (topic == null || topic.isBlank()) {
			throw new IllegalArgumentException("topic must not be blank");
		}
		if (this.closed) {
			return CompletableFuture.failedFuture(new IllegalStateException("file transfers are closed"));
		}
		startSweeper();
		return this.sender.push(topic, path, metadata);
	}

	/** Fails every transfer under way and stops the file threads. */
	@Override
	public void close() {
		this.closed = true;
		this.sender.close();
		this.receiver.close();
		synchronized (this) {
			if (this.sweeper != null) {
				this.sweeper.shutdownNow();
			}
		}
		this.pool.shutdown();
		this.flusher.shutdown();
		try {
			this.pool.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	// ---------------------------------------------------------------- for the sender and receiver

	String nodeName() {
		return this.node.name();
	}

	long nextId() {
		return this.node.nextMessageId();
	}

	List<Edge> edgesFor(String topic) {
		return this.node.edges().stream().filter(edge -> edge.wants(topic)).toList();
	}

	/** @return subscribers of the topic the directory knows that are neither this node nor linked to it */
	List<SubscriberDirectory.Subscriber> unlinkedSubscribers(String topic) {
		Map<UUID, SubscriberDirectory.Subscriber> found = new LinkedHashMap<>();
		for (SubscriberDirectory.Subscriber subscriber : this.directory.subscribers(topic)) {
			if (!subscriber.id().equals(this.node.id()) && this.node.peer(subscriber.id()).isEmpty()) {
				found.putIfAbsent(subscriber.id(), subscriber);
			}
		}
		return List.copyOf(found.values());
	}

	/**
	 * Links to a subscriber behind other nodes (the node's connect and handshake timeouts apply).
	 * @return the edge to it; fails if it cannot be reached or another node answers at its address
	 */
	CompletableFuture<Edge> link(SubscriberDirectory.Subscriber subscriber) {
		return this.node.connect(subscriber.host(), subscriber.port()).thenApply(peer -> {
			Edge edge = edge(peer.nodeId());
			if (!peer.nodeId().equals(subscriber.id()) || edge == null) {
				throw new IllegalStateException("another node answers at its address, or the link closed at once");
			}
			return edge;
		});
	}

	/**
	 * Closes a link made for pushes once no transfer uses it and it shares no topic with this node (what
	 * membership would link anyway stays).
	 * @param peer the subscriber linked for a push
	 */
	void unlink(UUID peer) {
		Edge edge = edge(peer);
		if (edge == null || this.sender.sendsTo(peer) || this.node.isRoot() || edge.isRoot()
				|| edge.subscriptions().stream().anyMatch(this.node.subscriptions()::contains)) {
			return;
		}
		this.node.disconnect(peer);
	}

	/** @return a short reason for a failed future, without the wrapper exceptions */
	static String reason(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
	}

	/** @return whether the edge is still the live link to its peer */
	boolean linked(Edge edge) {
		return this.node.edges().contains(edge);
	}

	private Edge edge(UUID peer) {
		return this.node.edges().stream().filter(edge -> edge.nodeId().equals(peer)).findFirst().orElse(null);
	}

	/** Queues a file envelope behind the topic messages already queued for the peer (so they interleave). */
	boolean send(Edge to, EnvelopeKind kind, String topic, byte[] payload) {
		return to.offer(new Envelope(kind, this.node.id(), this.node.nextMessageId(), 1, System.currentTimeMillis(),
				topic, Map.of(), payload));
	}

	void received(ReceivedFile file) {
		log.info("Node {} stored file '{}' ({} bytes) from {}", this.node.name(), LogSafe.of(file.name()),
				file.size(), file.origin());
		for (Consumer<ReceivedFile> listener : this.listeners) {
			try {
				listener.accept(file);
			}
			catch (RuntimeException ex) {
				log.warn("A listener for received files failed on '{}'", LogSafe.of(file.name()), ex);
			}
		}
	}

	static long rate(long bytes, Instant started) {
		long millis = Math.max(1, Duration.between(started, Instant.now()).toMillis());
		return bytes * 1000 / millis;
	}

	// ---------------------------------------------------------------- plumbing

	private void register(EnvelopeKind kind, EnvelopeHandler handler) {
		this.node.registerHandler(kind, (from, envelope) -> {
			if (kind == EnvelopeKind.FILE_START) {
				startSweeper();
			}
			try {
				handler.handle(from, envelope);
			}
			catch (FileProtocolException ex) {
				// a malformed file payload spoils that message only; the link and its topic traffic go on
				this.warnings.warn("file-protocol", "Node {} ignores a malformed {} from {}: {}", this.node.name(),
						kind, from, LogSafe.of(ex.getMessage()));
			}
		});
	}

	/** Timeouts are checked only once there are transfers, so idle nodes hold no extra thread. */
	private synchronized void startSweeper() {
		if (this.sweeper != null || this.closed) {
			return;
		}
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
				IoThreads.factory(this.node.name() + "-files-timer-"));
		long timeoutNanos = this.settings.timeout().toNanos();
		long period = Math.max(10, Math.min(1000, this.settings.timeout().toMillis() / 4));
		long partialPeriod = Math.max(TimeUnit.SECONDS.toNanos(1),
				Math.min(PARTIAL_SWEEP_NANOS, this.settings.resumeWindow().toNanos() / 4));
		long[] lastPartialSweep = { System.nanoTime() };
		timer.scheduleWithFixedDelay(() -> {
			long now = System.nanoTime();
			this.sender.sweep(now, timeoutNanos);
			this.receiver.sweep(now, timeoutNanos);
			if (now - lastPartialSweep[0] > partialPeriod) {
				lastPartialSweep[0] = now;
				try {
					this.receiver.sweepPartials();
				}
				catch (RuntimeException ex) {
					// a throw would cancel this timer, and with it every transfer's timeout
					this.warnings.warn("partial-sweep", "Node {} failed to sweep partial files: {}", this.node.name(),
							ex.toString());
				}
			}
		}, period, period, TimeUnit.MILLISECONDS);
		this.sweeper = timer;
	}

}
