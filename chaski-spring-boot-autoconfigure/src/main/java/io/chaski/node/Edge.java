package io.chaski.node;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.support.IoThreads;
import io.chaski.support.LogSafe;
import io.chaski.support.RateLimitedLog;
import io.chaski.transport.Connection;
import io.chaski.wire.Envelope;
import io.chaski.wire.FrameBuffer;
import io.chaski.wire.WireFormatException;

/**
 * A live link to one peer: its identity, the connection that currently carries it, and a bounded outbound
 * queue that a dedicated writer thread drains into batched frames. A slow peer fills only its own queue.
 */
public final class Edge {

	private static final Logger log = LoggerFactory.getLogger(Edge.class);

	/** Edges close as often as peers come and go. */
	private static final RateLimitedLog lossLog = new RateLimitedLog(log);


	private static final int CONTROL_CAPACITY = 256;

	/** How long a writer whose connection failed waits for the close to be handled and a duplicate to take over. */
	private static final long REPLACEMENT_WAIT_NANOS = 1_000_000_000L;


	private final UUID nodeId;

	private final NodeSettings settings;

	private final NodeStats stats;

	private final OutboundQueue queue;

	private final long sendTimeoutNanos;

	private final ConcurrentLinkedQueue<Envelope> control = new ConcurrentLinkedQueue<>();

	private final AtomicInteger controlSize = new AtomicInteger();

	private final LongAdder dropped = new LongAdder();

	private final Thread writer;

	/** Held by whoever writes to the connection: the writer for a batch, or a thread sending directly. */
	private final ReentrantLock writeLock = new ReentrantLock();

	/** The frame being filled; only under {@link #writeLock}, and empty whenever the lock is free. */
	private final FrameBuffer frame;

	private final Instant connectedSince = Instant.now();

	/** Ends this node's writing on a connection it leaves. */
	private final Handover handover;

	/** The connection the last frame went to; only under {@link #writeLock}. */
	private Connection writingOn;

	/** The connection handed over last; only under {@link #writeLock}. */
	private Connection handedOver;

	/** Connections this node does not write on and must say so on (duplicates it will not use). */
	private final ConcurrentLinkedQueue<Connection> toHandOver = new ConcurrentLinkedQueue<>();

	/** Which of the peer's connections its traffic is read from. */
	final InboundTurn inbound = new InboundTurn();

	final LatencyEstimator latency = new LatencyEstimator();

	final Map<Long, PendingPing> pendingPings = new ConcurrentHashMap<>();

	final AtomicInteger unansweredKeepAlives = new AtomicInteger();

	volatile long nextKeepAliveNanos = System.nanoTime();

	/**
	 * Whether this node's reader is inside a frame from this peer: a full subscriber can hold it there (lossless
	 * back-pressure), and then the peer's pongs wait unread, which says nothing about the peer.
	 */
	volatile boolean readingFrame;

	private volatile Connection connection;

	private volatile Handshake identity;

	private volatile Set<String> subscriptions;

	private volatile long lastDataNanos = System.nanoTime();

	private volatile boolean leaving;

	private volatile boolean closed;

	Edge(Handshake identity, Connection connection, NodeSettings settings, NodeStats stats, String localName,
			Handover handover) {
		this.nodeId = identity.nodeId();
		this.identity = identity;
		this.subscriptions = Set.copyOf(identity.subscriptions());
		this.connection = connection;
		this.writingOn = connection;
		this.handover = handover;
		this.settings = settings;
		this.stats = stats;
		this.queue = new OutboundQueue(settings, this::countDrop);
		this.sendTimeoutNanos = settings.sendTimeout().toNanos();
		this.frame = new FrameBuffer(settings.batchFrameBytes() + 1024, settings.maxFrameBytes());
		// thread names show in log lines: the peer's name is escaped
		this.writer = IoThreads.newThread(localName + "-writer-" + LogSafe.of(identity.name()), this::writeLoop);
	}

	void startWriter() {
		this.writer.start();
	}

	/** @return the peer's node id */
	public UUID nodeId() {
		return this.nodeId;
	}

	/** @return the peer's name */
	public String name() {
		return this.identity.name();
	}

	/** @return the topics the peer subscribes to */
	public Set<String> subscriptions() {
		return this.subscriptions;
	}

	/** @return whether the peer is a root node */
	public boolean isRoot() {
		return this.identity.root();
	}

	/**
	 * @param topic a topic
	 * @return whether messages on this topic should be sent to the peer
	 */
	public boolean wants(String topic) {
		return this.identity.root() || this.subscriptions.contains(topic);
	}

	/**
	 * Queues a message this node publishes, applying the overflow policy when the queue is full
	 * ({@link OverflowPolicy#WAIT} may hold the caller up to the send timeout).
	 * @param envelope the message
	 * @return whether it was queued (a refusal or a drop has been counted)
	 */
	public boolean offer(Envelope envelope) {
		return offer(envelope, this.sendTimeoutNanos, false);
	}

	/**
	 * Writes a message at once on the caller's thread when this peer's writer is idle (nothing queued, nothing
	 * being written), else queues it as {@link #offer} does. For request and answer traffic (remote calls), where
	 * a hand-off to the writer thread costs a wake-up on each side of every round trip. Never call it from an I/O
	 * thread: a reader blocked in a write to a peer that is itself blocked writing could deadlock the pair.
	 * @param envelope the message
	 * @return whether it was written or queued (a refusal, a drop or a failed connection has been counted)
	 */
	public boolean send(Envelope envelope) {
		if (!this.closed && this.writeLock.tryLock()) {
			try {
				// idle: everything offered before was written, so writing now keeps the order
				if (!this.closed && this.queue.isIdle()) {
					appendControl(this.frame);
					append(this.frame, envelope);
					flush(this.frame);
					markData();
					return true;
				}
			}
			catch (InterruptedException ex) {
				// the connection failed and none replaced it: the edge is closing
				this.frame.reset();
				countDrop();
				return false;
			}
			finally {
				this.writeLock.unlock();
			}
		}
		return offer(envelope);
	}

	/**
	 * Queues a message relayed for another node. Under {@link OverflowPolicy#WAIT} a full queue holds the
	 * caller (the I/O thread of another connection, which then stops reading it: back-pressure crosses the
	 * relay) up to {@code waitNanos}; after a relay timed out, relays are refused at once until the writer
	 * sends again, so a stalled peer or a cycle of full queues costs one timeout, not a deadlock.
	 * @param envelope the message
	 * @param waitNanos how long a full queue may hold the caller
	 * @return whether it was queued (a refusal or a drop has been counted)
	 */
	public boolean offerRelay(Envelope envelope, long waitNanos) {
		return offer(envelope, waitNanos, true);
	}

	private boolean offer(Envelope envelope, long waitNanos, boolean relay) {
		if (this.closed) {
			return false;
		}
		try {
			return this.queue.offer(envelope, waitNanos, relay);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			countDrop();
			return false;
		}
	}

	/**
	 * Holds a place in the queue for a message, so that a publisher can make sure every peer takes a message
	 * before any of them gets it; follow with {@link #commit} or {@link #release}.
	 * @param waitNanos how long {@link OverflowPolicy#WAIT} may wait for room
	 * @return the wait time left (0 or more) once the place is held, or -1 if refused (counted)
	 */
	public long reserve(long waitNanos) {
		try {
			return this.queue.reserve(waitNanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			countDrop();
			return -1;
		}
	}

	/** @return whether the edge is closed: its peer is gone, even if routing still lists it for a moment */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Queues a message in the place {@link #reserve} held; a closed edge drops it (counted).
	 * @param envelope the message
	 */
	public void commit(Envelope envelope) {
		if (this.closed) {
			this.queue.release();
			countDrop();
			return;
		}
		this.queue.commit(envelope);
	}

	/** Gives back a place {@link #reserve} held. */
	public void release() {
		this.queue.release();
	}

	private void countDrop() {
		this.dropped.increment();
		this.stats.dropped.increment();
	}

	/**
	 * Queues a control envelope (ping, pong, subscription change) ahead of data; never waits.
	 * @param envelope the envelope
	 */
	void offerControl(Envelope envelope) {
		if (this.controlSize.incrementAndGet() > CONTROL_CAPACITY) {
			this.controlSize.decrementAndGet();
			countDrop();
			return;
		}
		this.control.add(envelope);
		this.queue.wake();
	}

	private void writeLoop() {
		FrameBuffer frame = this.frame;
		ArrayDeque<Envelope> batch = new ArrayDeque<>();
		int sent = 0;
		try {
			while (!this.closed) {
				batch = this.queue.takeAll(batch, sent);
				this.writeLock.lock();
				try {
					appendControl(frame);
					// everything queued meanwhile goes out together, a frame each time one reaches the batch size
					for (Envelope envelope : batch) {
						append(frame, envelope);
						if (frame.length() >= this.settings.batchFrameBytes()) {
							flush(frame);
							// a pong must not wait behind a long backlog: a slow reader is not a dead peer
							appendControl(frame);
						}
					}
					flush(frame);
					if (!batch.isEmpty()) {
						// traffic either way keeps a link from looking idle (a pure publisher receives nothing)
						markData();
					}
					sent = batch.size();
					batch.clear();
				}
				finally {
					this.writeLock.unlock();
				}
			}
		}
		catch (InterruptedException ex) {
			// the edge closed
		}
		catch (RuntimeException ex) {
			if (!this.closed) {
				log.debug("Writer to {} stopped: {}", this, ex.toString());
			}
		}
	}

	private void appendControl(FrameBuffer frame) throws InterruptedException {
		Envelope envelope;
		while ((envelope = this.control.poll()) != null) {
			this.controlSize.decrementAndGet();
			append(frame, envelope);
		}
	}

	private void append(FrameBuffer frame, Envelope envelope) throws InterruptedException {
		try {
			if (!frame.tryAdd(envelope)) {
				flush(frame);
				if (!frame.tryAdd(envelope)) {
					log.warn("Dropping {} to {}: larger than the maximum frame of {} bytes", envelope, this,
							this.settings.maxFrameBytes());
					countDrop();
				}
			}
		}
		catch (WireFormatException ex) {
			log.warn("Dropping {} to {}: {}", envelope, this, ex.getMessage());
			countDrop();
		}
	}

	private void flush(FrameBuffer frame) throws InterruptedException {
		handOverLeftConnections();
		if (frame.envelopeCount() == 0) {
			return;
		}
		frame.finish();
		while (true) {
			Connection current = target();
			try {
				current.send(frame);
				break;
			}
			catch (RuntimeException ex) {
				// a duplicate connection may have been swapped in meanwhile, or take over once this close is
				// handled: retry on it, else the edge is gone
				if (this.closed || !awaitReplacement(current)) {
					throw new InterruptedException("connection to " + this + " failed: " + ex.getMessage());
				}
			}
		}
		this.stats.framesOut.increment();
		this.stats.envelopesOut.add(frame.envelopeCount());
		this.stats.bytesOut.add(frame.length());
		frame.reset();
	}

	/**
	 * The connection to write the next frame on: the edge's. When that changed since the last frame, the one
	 * written on so far is handed over first, so the HANDOVER follows the last frame there (called under
	 * {@link #writeLock}).
	 */
	private Connection target() {
		Connection current = this.connection;
		if (current != this.writingOn) {
			Connection left = this.writingOn;
			this.writingOn = current;
			handOverNow(left);
		}
		return current;
	}

	/** Says HANDOVER on every connection this node left or will not use (called under {@link #writeLock}). */
	private void handOverLeftConnections() {
		target();
		Connection duplicate;
		while ((duplicate = this.toHandOver.poll()) != null) {
			if (duplicate != this.writingOn && duplicate != this.handedOver) {
				handOverNow(duplicate);
			}
		}
	}

	private void handOverNow(Connection left) {
		this.handedOver = left;
		if (left.isOpen()) {
			FrameBuffer single = new FrameBuffer(256, this.settings.maxFrameBytes());
			try {
				single.tryAdd(this.handover.envelope());
				single.finish();
				left.send(single);
			}
			catch (WireFormatException | RuntimeException ex) {
				// a failed connection: nothing of this node's is in flight there any more either
				log.debug("Could not hand over {} to {}: {}", left, this, ex.toString());
			}
		}
		this.handover.done(left);
	}

	/**
	 * Has the writer say HANDOVER on a duplicate connection of this peer that this node will not write on, after
	 * anything it wrote there (docs/protocol.md 4.2).
	 * @param duplicate the connection
	 */
	void handOver(Connection duplicate) {
		this.toHandOver.add(duplicate);
		this.queue.wake();
	}

	/** @return whether another connection replaced the failed one within a moment (the edge still open) */
	private boolean awaitReplacement(Connection failed) {
		long deadline = System.nanoTime() + REPLACEMENT_WAIT_NANOS;
		while (this.connection == failed && !this.closed && System.nanoTime() < deadline) {
			LockSupport.parkNanos(1_000_000);
		}
		return this.connection != failed && !this.closed;
	}

	/**
	 * Waits until everything queued so far has been written, or the deadline passes.
	 * @param deadlineNanos a {@link System#nanoTime()} deadline
	 */
	void awaitDrained(long deadlineNanos) {
		while ((this.queue.size() > 0 || !this.control.isEmpty()) && System.nanoTime() < deadlineNanos
				&& this.writer.isAlive()) {
			LockSupport.parkNanos(1_000_000);
		}
	}

	Connection connection() {
		return this.connection;
	}

	/** The edge goes on over another connection; the writer hands the old one over before its next frame. */
	void replaceConnection(Connection replacement) {
		this.connection = replacement;
		this.queue.wake();
	}

	void updateSubscriptions(Set<String> topics) {
		this.subscriptions = Set.copyOf(topics);
	}

	void refreshIdentity(Handshake handshake) {
		this.identity = handshake;
		this.subscriptions = Set.copyOf(handshake.subscriptions());
	}

	/** Data (not keep-alive) went over the link in either direction: the idle rule starts counting again. */
	void markData() {
		this.lastDataNanos = System.nanoTime();
	}

	long lastDataNanos() {
		return this.lastDataNanos;
	}

	boolean isLeaving() {
		return this.leaving;
	}

	void markLeaving() {
		this.leaving = true;
	}

	void close() {
		this.closed = true;
		this.writer.interrupt();
		int unsent = this.queue.clear();
		this.dropped.add(unsent);
		this.stats.dropped.add(unsent);
		if (unsent > 0) {
			lossLog.warn("unsent", "Link to {} closed with {} message(s) queued for it: they are lost", this, unsent);
		}
		this.pendingPings.values().forEach(PendingPing::abandon);
		this.pendingPings.clear();
	}

	/** @return a snapshot for users */
	public PeerInfo info() {
		Handshake id = this.identity;
		return new PeerInfo(this.nodeId, id.name(), new PeerAddress(id.name(), id.host(), id.port()),
				this.subscriptions, id.root(), this.latency.meanMillis(), this.latency.jitterMillis(),
				this.connectedSince, this.connection.initiatedLocally(), this.queue.size(), this.dropped.sum());
	}

	@Override
	public String toString() {
		// peer-supplied: this goes into log lines
		return LogSafe.of(name()) + "@" + LogSafe.of(this.identity.host()) + ":" + this.identity.port();
	}

}
