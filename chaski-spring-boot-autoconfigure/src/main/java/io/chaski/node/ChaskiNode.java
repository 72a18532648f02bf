package io.chaski.node;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.security.ClusterSecret;
import io.chaski.support.DaemonThreads;
import io.chaski.support.LogSafe;
import io.chaski.support.RateLimitedLog;
import io.chaski.transport.Connection;
import io.chaski.transport.TcpTransport;
import io.chaski.transport.TransportException;
import io.chaski.transport.TransportHandler;
import io.chaski.transport.TransportMode;
import io.chaski.transport.TransportSettings;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.FrameBuffer;
import io.chaski.wire.WireFormat;

/**
 * A Chaski node: listens on TCP, keeps one connection per peer (edges), measures latency with pings,
 * reconnects lost peers and hands topic traffic to the layers above it ({@link EnvelopeHandler}s).
 * Build one with {@link #builder()}; it works without any Spring context.
 */
public final class ChaskiNode implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ChaskiNode.class);

	/** How long a node waits for a peer to close after saying goodbye before it closes the connection itself. */
	private static final long GOODBYE_GRACE_MILLIS = 1000;

	private final UUID id = UUID.randomUUID();

	private final NodeSettings settings;

	private final NodeStats stats = new NodeStats();

	private final Set<String> subscriptions;

	/** The subscriptions again, as an immutable hash set replaced on change: routing asks it per message. */
	private volatile Set<String> memberOf;

	private final AtomicLong sequence = new AtomicLong();

	/** Names of the services this node exports, as the remote layer set them (spread with membership). */
	private volatile Set<String> services = Set.of();

	private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();

	private final EdgeRegistry registry;

	/** Warnings whose number peers control. */
	private final RateLimitedLog warnings = new RateLimitedLog(log);

	private final ScheduledExecutorService timer;

	private final DirectSender sender;

	private final Handshaker handshaker;

	private final Pinger pinger;

	private final InboundDispatcher dispatcher;

	private final Housekeeping housekeeping;

	private final Reconnector reconnector;

	private final TcpTransport transport;

	private final Dialer dialer;

	private volatile PeerAddress advertised;

	/** Topics published to without subscribing, for pairing. */
	private final PublishedTopics published = new PublishedTopics();

	/** Which links the node needs; membership's pairing replaces it. */
	private volatile LinkPlan linkPlan = LinkPlan.TOPICS_ONLY;

	private volatile boolean running;

	private ChaskiNode(NodeSettings settings) {
		this.settings = settings;
		this.subscriptions = new CopyOnWriteArraySet<>(settings.subscriptions());
		this.memberOf = Set.copyOf(this.subscriptions);
		this.registry = new EdgeRegistry(settings.maxPendingConnections());
		this.timer = DaemonThreads.timer(settings.name() + "-timer");
		this.sender = new DirectSender(this.id, settings.maxFrameBytes(), this.stats);
		this.handshaker = new Handshaker(this, this.registry, this.sender, this.timer, this.listeners);
		this.pinger = new Pinger(this);
		this.dispatcher = new InboundDispatcher(this, this.registry, this.handshaker, this.pinger);
		this.housekeeping = new Housekeeping(this, this.registry, this.pinger);
		this.reconnector = new Reconnector(this, this.timer);
		this.transport = new TcpTransport(new TransportSettings(settings.bindHost(), settings.port(),
				settings.maxFrameBytes(), settings.handshakeMaxFrameBytes(), settings.transportMode(),
				settings.connectTimeout(), settings.listenBacklog(), ioThreads(settings)), new Wiring(), settings.name());
		this.dialer = new Dialer(settings, this.transport, this.registry, this.handshaker);
	}

	/**
	 * @param settings settings made elsewhere (for example from Spring properties)
	 * @return a node (not started)
	 */
	public static ChaskiNode create(NodeSettings settings) {
		return new ChaskiNode(settings);
	}

	/** @return a builder with defaults suitable for a LAN */
	public static Builder builder() {
		return new Builder();
	}

	// ---------------------------------------------------------------- lifecycle

	/**
	 * Checks the addresses, binds the listening socket and starts keep-alive. Returns once the node accepts
	 * connections. A node whose start failed has released its threads and cannot be started again.
	 * @return this node
	 * @throws NodeStartupException naming the setting at fault: a bind host that does not resolve or is not this
	 * machine's, a port that cannot be bound, an advertised host that does not resolve (or none to be found for a
	 * wildcard bind), or a network-facing bind without a cluster secret in protected mode
	 */
	public synchronized ChaskiNode start() {
		if (this.running) {
			return this;
		}
		try {
			InetAddress bindAddress = BindAddress.resolve(this.settings);
			ProtectedMode.check(this.settings, bindAddress);
			String advertisedHost = AdvertisedHost.of(this.settings, bindAddress);
			InetSocketAddress bound = listen();
			this.advertised = new PeerAddress(this.settings.name(), advertisedHost, bound.getPort());
			if (ProtectedMode.isOpen(this.settings, bindAddress)) {
				log.warn("Node {} listens on {}:{} with protected mode off and no cluster secret: anyone who can "
						+ "reach the port can join the mesh (chaski.security.protected-mode=false)", name(),
						this.settings.bindHost(), bound.getPort());
			}
		}
		catch (RuntimeException ex) {
			this.timer.shutdownNow();
			this.transport.stop();
			throw ex;
		}
		this.running = true;
		this.housekeeping.scheduleOn(this.timer);
		log.info("Node {} ({}) listening on {}", name(), this.id, this.advertised.hostAndPort());
		return this;
	}

	private InetSocketAddress listen() {
		try {
			this.transport.start();
		}
		catch (TransportException ex) {
			// the host was checked already: what is left is the port (in use, or privileged)
			throw new NodeStartupException(NodeStartupException.Setting.PORT,
					"Node " + name() + " could not start: " + ex.getMessage(), ex);
		}
		return this.transport.localAddress();
	}

	/**
	 * Stops gracefully: flushes queued messages (up to the shutdown timeout), says goodbye to every peer so it
	 * sees the close at once and does not reconnect, then closes the socket.
	 */
	public void stop() {
		synchronized (this) {
			if (!this.running) {
				return;
			}
			this.running = false;
		}
		this.timer.shutdownNow();
		long deadline = System.nanoTime() + this.settings.shutdownTimeout().toNanos();
		List<Edge> all = new ArrayList<>(this.registry.edges());
		for (Edge edge : all) {
			edge.markLeaving();
			edge.awaitDrained(deadline);
			this.sender.sendGoodbye(edge.connection());
		}
		// peers close when they read the goodbye; closing first could discard it unread and look like a failure
		while (System.nanoTime() < deadline && all.stream().anyMatch(edge -> edge.connection().isOpen())) {
			LockSupport.parkNanos(1_000_000);
		}
		this.transport.stop();
		all.forEach(edge -> removeEdge(edge, edge.connection()));
		log.info("Node {} stopped", name());
	}

	@Override
	public void close() {
		stop();
	}

	/** @return whether the node is started and listening */
	public boolean isRunning() {
		return this.running && this.transport.isListening();
	}

	/** @return whether {@link #start()} ran and {@link #stop()} has not begun (the transport is not asked) */
	boolean isStarted() {
		return this.running;
	}

	// ---------------------------------------------------------------- identity

	/** @return this node's id, new at every start of the process */
	public UUID id() {
		return this.id;
	}

	/** @return this node's name */
	public String name() {
		return this.settings.name();
	}

	/** @return whether this node is a root (relays every topic) */
	public boolean isRoot() {
		return this.settings.root();
	}

	/** @return the settings the node was built with */
	public NodeSettings settings() {
		return this.settings;
	}

	/** @return the address peers use to reach this node; {@code null} before start */
	public PeerAddress address() {
		return this.advertised;
	}

	/** @return who this node is, as HELLO and HELLO_ACK tell it (topics in the order they were added) */
	Handshake handshake() {
		PeerAddress me = this.advertised;
		return new Handshake(WireFormat.PROTOCOL_VERSION, this.id, name(), me.host(), me.port(), isRoot(),
				new LinkedHashSet<>(this.subscriptions));
	}

	/** @return the topics this node subscribes to */
	public Set<String> subscriptions() {
		return Set.copyOf(this.subscriptions);
	}

	/**
	 * @param topic a topic
	 * @return whether this node takes part in the topic (subscribes to it, or is a root)
	 */
	public boolean isMember(String topic) {
		return this.settings.root() || this.memberOf.contains(topic);
	}

	/**
	 * @param topic a topic
	 * @return whether this node subscribes to it (root or not)
	 */
	boolean subscribesTo(String topic) {
		return this.subscriptions.contains(topic);
	}

	/** @return names of the services this node exports for remote calls, as {@link #exportServices} set them */
	public Set<String> services() {
		return this.services;
	}

	/**
	 * Sets the names of the services this node exports, which membership advertises to every member.
	 * @param names the full set
	 */
	public void exportServices(Set<String> names) {
		this.services = Set.copyOf(names);
	}

	/** @return traffic counters */
	public NodeStats stats() {
		return this.stats;
	}

	/**
	 * Adds a topic and tells every peer.
	 * @param topic the topic
	 */
	public void subscribe(String topic) {
		if (this.subscriptions.add(requireTopic(topic))) {
			announceSubscriptions();
		}
	}

	/**
	 * Removes a topic and tells every peer.
	 * @param topic the topic
	 */
	public void unsubscribe(String topic) {
		if (this.subscriptions.remove(topic)) {
			announceSubscriptions();
		}
	}

	private void announceSubscriptions() {
		this.memberOf = Set.copyOf(this.subscriptions);
		byte[] topics = ControlPayloads.write(this.subscriptions);
		for (Edge edge : this.registry.edges()) {
			edge.offerControl(Envelope.control(EnvelopeKind.SUBSCRIPTIONS, this.id, nextMessageId(), topics));
		}
	}

	// ---------------------------------------------------------------- peers

	/**
	 * Connects to a node given as {@code host:port}, {@code name@host:port} or {@code [ipv6]:port}.
	 * @param address the address
	 * @return the peer once the handshake is done
	 */
	public CompletableFuture<PeerInfo> connect(String address) {
		PeerAddress parsed = PeerAddress.parse(address);
		return connect(parsed.host(), parsed.port());
	}

	/**
	 * Connects to a node, or returns the existing edge if already connected to it.
	 * @param host host name or IP
	 * @param port its port
	 * @return the peer once the handshake is done; fails after the connect plus handshake timeout
	 */
	public CompletableFuture<PeerInfo> connect(String host, int port) {
		if (!this.running) {
			return CompletableFuture.failedFuture(new IllegalStateException("node " + name() + " is not running"));
		}
		return this.dialer.connect(host, port);
	}

	/** @return a snapshot of every connected peer */
	public List<PeerInfo> peers() {
		return this.registry.edges().stream().map(Edge::info).toList();
	}

	/**
	 * @param nodeId a peer's id
	 * @return the peer, if connected
	 */
	public Optional<PeerInfo> peer(UUID nodeId) {
		return Optional.ofNullable(this.registry.edge(nodeId)).map(Edge::info);
	}

	/**
	 * Closes the edge to a peer on purpose (no reconnection).
	 * @param nodeId the peer's id
	 * @return whether there was such an edge
	 */
	public boolean disconnect(UUID nodeId) {
		Edge edge = this.registry.edge(nodeId);
		if (edge == null) {
			return false;
		}
		edge.markLeaving();
		Connection connection = edge.connection();
		this.sender.sendGoodbye(connection);
		// the peer closes when it reads the goodbye; closing first could discard it unread (Spring Integration's
		// NIO connections close on end of stream before handing over the last bytes) and the peer would take
		// the close for a failure and reconnect
		try {
			this.timer.schedule(connection::close, GOODBYE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			connection.close();
		}
		return true;
	}

	/**
	 * Measures the one-way latency (RTT/2) to a peer with a ping carrying {@code payloadSize} padding bytes.
	 * @param nodeId the peer's id
	 * @param payloadSize padding bytes, echoed by the peer
	 * @return the latency; fails after the ping timeout or if the peer is not connected
	 */
	public CompletableFuture<Duration> ping(UUID nodeId, int payloadSize) {
		Edge edge = this.registry.edge(nodeId);
		if (edge == null) {
			return CompletableFuture.failedFuture(new IllegalArgumentException("not connected to " + nodeId));
		}
		CompletableFuture<Duration> answer = new CompletableFuture<>();
		this.pinger.ping(edge, new byte[payloadSize], answer);
		return answer.orTimeout(this.settings.pingTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	// ---------------------------------------------------------------- SPI for the layers above

	/**
	 * Notes that this node publishes to a topic (cheap: called on every publish), so that membership pairs it
	 * with the topic's subscribers when it does not subscribe itself.
	 * @param topic the topic
	 */
	public void publishing(String topic) {
		if (!isMember(topic)) {
			this.published.mark(topic);
		}
	}

	/**
	 * Called when a message on a topic finds no link that takes it: with membership, links to a member that
	 * takes it (if one is known) and waits for the link, at most {@code timeout}.
	 * @param topic the topic
	 * @param timeout the longest wait
	 * @return what the wait found
	 */
	public Route awaitRoute(String topic, Duration timeout) {
		return this.linkPlan.awaitRoute(topic, timeout.toNanos());
	}

	PublishedTopics publishedTopics() {
		return this.published;
	}

	LinkPlan linkPlan() {
		return this.linkPlan;
	}

	void useLinkPlan(LinkPlan plan) {
		this.linkPlan = plan;
	}

	/**
	 * Routes envelopes of one kind to a handler (one per kind).
	 * @param kind the kind
	 * @param handler the handler
	 */
	public void registerHandler(EnvelopeKind kind, EnvelopeHandler handler) {
		this.dispatcher.registerHandler(kind, handler);
	}

	/** @param listener told when peers come and go */
	public void addListener(NodeListener listener) {
		this.listeners.add(listener);
	}

	/** @return the live edges, for routing: an immutable snapshot, cheap to iterate */
	public List<Edge> edges() {
		return this.registry.snapshot();
	}

	/** @return a fresh message id, unique for this node */
	public long nextMessageId() {
		return this.sequence.incrementAndGet();
	}

	/**
	 * Checks that an envelope can be sent at all under the maximum frame size.
	 * @param envelope the envelope
	 * @throws IllegalArgumentException if it is larger than one frame may be
	 */
	public void checkFits(Envelope envelope) {
		long bound = envelope.payload().length + 3L * envelope.topic().length() + 1024;
		if (!envelope.headers().isEmpty()) { // no iterator per message for the usual empty map
			for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
				bound += 3L * (header.getKey().length() + header.getValue().length()) + 3;
			}
		}
		if (bound <= this.settings.maxFrameBytes()) {
			return; // fits even if every character took 3 bytes: skip the exact count on the hot path
		}
		int size = FrameBuffer.encodedSize(envelope) + WireFormat.FRAME_HEADER_BYTES + 2;
		if (size > this.settings.maxFrameBytes()) {
			throw new IllegalArgumentException("message of " + size + " bytes exceeds the maximum frame size of "
					+ this.settings.maxFrameBytes() + " bytes (chaski.transport.max-frame-size)");
		}
	}

	// ---------------------------------------------------------------- connections coming and going

	/**
	 * Closes a connection that broke the protocol or stalled its handshake, with a warning naming why
	 * (rate-limited: peers decide how often this happens; the counter sees every one).
	 */
	void reject(Connection connection, String reason) {
		this.stats.rejectedConnections.increment();
		this.warnings.warn("rejected", "Node {} closes connection {}: {}", name(), connection, LogSafe.of(reason));
		connection.close();
	}

	/** Closes a connection whose input made this node fail unexpectedly; the trace helps find the bug. */
	void reject(Connection connection, Throwable failure) {
		this.stats.rejectedConnections.increment();
		this.warnings.warn("failed", "Node {} closes connection {} after an unexpected failure: {}", name(),
				connection, LogSafe.of(failure), failure);
		connection.close();
	}

	/**
	 * A blocking connection holds an I/O thread for its whole life: enough for every peer, every connection
	 * awaiting its handshake, the accept loop and a few connects and clean-ups. NIO connections hold one only
	 * while a frame is being read, so an NIO node stays far below this bound.
	 */
	private static int ioThreads(NodeSettings settings) {
		return settings.maxPeers() + settings.maxPendingConnections() + 8;
	}

	private void onClosed(Connection connection) {
		ConnectionState state = this.registry.closed(connection);
		if (state == null) {
			return;
		}
		if (state.handshakeDone != null && !state.handshakeDone.isDone()) {
			state.handshakeDone.completeExceptionally(
					new IllegalStateException("connection " + connection + " closed during the handshake"));
		}
		Edge edge = state.edge;
		// a duplicate connection held for the same peer may take over (docs/protocol.md 4.2)
		if (edge != null && !state.duplicate && edge.connection() == connection && !this.handshaker.takeOver(edge)) {
			removeEdge(edge, connection);
		}
	}

	private void removeEdge(Edge edge, Connection connection) {
		if (!this.registry.remove(edge)) {
			return;
		}
		edge.close();
		PeerInfo info = edge.info();
		boolean graceful = edge.isLeaving();
		log.info("Node {} lost {} ({})", name(), edge, graceful ? "closed on purpose" : "connection failed");
		this.listeners.forEach(listener -> listener.peerDisconnected(info, graceful));
		if (!graceful && !this.linkPlan.relinks()) {
			this.reconnector.connectionFailed(connection, info.address());
		}
	}

	// ---------------------------------------------------------------- helpers

	private static String requireTopic(String topic) {
		if (topic == null || topic.isBlank() || topic.length() > 1024) {
			throw new IllegalArgumentException("topic must be 1..1024 characters, not blank");
		}
		return topic;
	}

	@Override
	public String toString() {
		return "ChaskiNode[" + name() + " " + (this.advertised != null ? this.advertised.hostAndPort() : "stopped")
				+ ", " + this.registry.size() + " peers]";
	}

	/** Connects the transport's callbacks to the node. */
	private final class Wiring implements TransportHandler {

		@Override
		public void opened(Connection connection) {
			Connection oldest = ChaskiNode.this.registry.opened(connection);
			if (oldest != null) {
				// a flood of silent connections must not lock real peers out: they handshake in milliseconds
				ChaskiNode.this.stats.evictedPendingConnections.increment();
				ChaskiNode.this.warnings.warn("pending limit",
						"Node {} closes connection {}: more than {} connections await their handshake", name(), oldest,
						ChaskiNode.this.settings.maxPendingConnections());
				oldest.close();
			}
		}

		@Override
		public void frameReceived(Connection connection, byte[] body) {
			ChaskiNode.this.dispatcher.onFrame(connection, body);
		}

		@Override
		public void closed(Connection connection) {
			onClosed(connection);
		}

		@Override
		public void rejected(String peer, String reason) {
			ChaskiNode.this.stats.rejectedConnections.increment();
		}

		@Override
		public void refused(String peer) {
			ChaskiNode.this.stats.refusedConnections.increment();
		}

	}

	/**
	 * Builds a {@link ChaskiNode}. Every setting has a default tuned for a LAN.
	 */
	public static final class Builder {

		private String name = "chaski-" + UUID.randomUUID().toString().substring(0, 8);

		private String bindHost = "127.0.0.1";

		private int port;

		private String advertisedHost;

		private final Set<String> subscriptions = new LinkedHashSet<>();

		private boolean root;

		private int maxFrameBytes = 4 * 1024 * 1024;

		private int batchFrameBytes = 64 * 1024;

		private TransportMode transportMode = TransportMode.BLOCKING;

		private Duration connectTimeout = Duration.ofSeconds(5);

		private Duration handshakeTimeout = Duration.ofSeconds(5);

		private Duration keepAliveInterval = Duration.ofSeconds(5);

		private int maxMissedPings = 3;

		private Duration pingTimeout = Duration.ofSeconds(5);

		private int reconnectAttempts = 10;

		private Duration reconnectInitialBackoff = Duration.ofMillis(500);

		private Duration reconnectMaxBackoff = Duration.ofSeconds(30);

		private Duration idleTimeout = Duration.ofSeconds(60);

		private int outboundQueueCapacity = 65_536;

		private OverflowPolicy overflowPolicy = OverflowPolicy.WAIT;

		private Duration sendTimeout = Duration.ofSeconds(5);

		private Duration shutdownTimeout = Duration.ofSeconds(2);

		private int maxPeers = 1024;

		private int maxPendingConnections = 64;

		private int listenBacklog = 256;

		private int handshakeMaxFrameBytes = 16 * 1024;

		private ClusterSecret clusterSecret;

		private boolean protectedMode = true;

		private int maxConnections = 5;

		private Builder() {
		}

		/** @param value node name shown to peers; default {@code chaski-<random>} @return this */
		public Builder name(String value) {
			this.name = value;
			return this;
		}

		/** @param value address to listen on; default {@code 127.0.0.1} @return this */
		public Builder bindHost(String value) {
			this.bindHost = value;
			return this;
		}

		/** @param value port to listen on; default 0 (any free port) @return this */
		public Builder port(int value) {
			this.port = value;
			return this;
		}

		/** @param value host peers should dial; default derived from the bind address @return this */
		public Builder advertisedHost(String value) {
			this.advertisedHost = value;
			return this;
		}

		/** @param topics topics to subscribe to from the start @return this */
		public Builder subscriptions(Collection<String> topics) {
			this.subscriptions.addAll(topics);
			return this;
		}

		/** @param topics topics to subscribe to from the start @return this */
		public Builder subscriptions(String... topics) {
			return subscriptions(List.of(topics));
		}

		/** @param value whether this node relays every topic; default false @return this */
		public Builder root(boolean value) {
			this.root = value;
			return this;
		}

		/** @param value largest frame sent or accepted; default 4 MiB @return this */
		public Builder maxFrameBytes(int value) {
			this.maxFrameBytes = value;
			return this;
		}

		/** @param value frame size at which batching stops; default 64 KiB @return this */
		public Builder batchFrameBytes(int value) {
			this.batchFrameBytes = value;
			return this;
		}

		/** @param value blocking sockets (default, fastest for a few dozen peers) or NIO @return this */
		public Builder transportMode(TransportMode value) {
			this.transportMode = value;
			return this;
		}

		/** @param value limit for opening a connection; default 5 s @return this */
		public Builder connectTimeout(Duration value) {
			this.connectTimeout = value;
			return this;
		}

		/** @param value limit for the handshake; default 5 s @return this */
		public Builder handshakeTimeout(Duration value) {
			this.handshakeTimeout = value;
			return this;
		}

		/** @param value time between keep-alive pings, zero disables; default 5 s @return this */
		public Builder keepAliveInterval(Duration value) {
			this.keepAliveInterval = value;
			return this;
		}

		/** @param value unanswered pings before a peer is closed; default 3 @return this */
		public Builder maxMissedPings(int value) {
			this.maxMissedPings = value;
			return this;
		}

		/** @param value limit for an explicit ping; default 5 s @return this */
		public Builder pingTimeout(Duration value) {
			this.pingTimeout = value;
			return this;
		}

		/** @param value reconnection attempts, 0 disables; default 10 @return this */
		public Builder reconnectAttempts(int value) {
			this.reconnectAttempts = value;
			return this;
		}

		/** @param initial first backoff (default 500 ms) @param max longest (default 30 s) @return this */
		public Builder reconnectBackoff(Duration initial, Duration max) {
			this.reconnectInitialBackoff = initial;
			this.reconnectMaxBackoff = max;
			return this;
		}

		/** @param value close edges nothing needs after this long idle (default 60 s), zero disables @return this */
		public Builder idleTimeout(Duration value) {
			this.idleTimeout = value;
			return this;
		}

		/** @param value messages queued per peer; default 65536 @return this */
		public Builder outboundQueueCapacity(int value) {
			this.outboundQueueCapacity = value;
			return this;
		}

		/** @param value what a full queue does; default WAIT @return this */
		public Builder overflowPolicy(OverflowPolicy value) {
			this.overflowPolicy = value;
			return this;
		}

		/** @param value how long WAIT waits; default 5 s @return this */
		public Builder sendTimeout(Duration value) {
			this.sendTimeout = value;
			return this;
		}

		/** @param value how long stop() flushes queues; default 2 s @return this */
		public Builder shutdownTimeout(Duration value) {
			this.shutdownTimeout = value;
			return this;
		}

		/** @param value most peers at once; default 1024 @return this */
		public Builder maxPeers(int value) {
			this.maxPeers = value;
			return this;
		}

		/** @param value most connections awaiting their handshake; default 64 @return this */
		public Builder maxPendingConnections(int value) {
			this.maxPendingConnections = value;
			return this;
		}

		/** @param value listen backlog of the server socket; default 256 @return this */
		public Builder listenBacklog(int value) {
			this.listenBacklog = value;
			return this;
		}

		/** @param value largest frame before the handshake completes; default 16 KiB @return this */
		public Builder handshakeMaxFrameBytes(int value) {
			this.handshakeMaxFrameBytes = value;
			return this;
		}

		/**
		 * @param value secret every peer must prove in the handshake (at least 16 characters); default none
		 * @return this
		 */
		public Builder clusterSecret(String value) {
			return clusterSecret((value == null || value.isEmpty()) ? null : ClusterSecret.of(value));
		}

		/**
		 * @param value the secret another node was built with ({@link NodeSettings#clusterSecret()}); {@code null}
		 * for none
		 * @return this
		 */
		public Builder clusterSecret(ClusterSecret value) {
			this.clusterSecret = value;
			return this;
		}

		/**
		 * @param value whether a non-loopback bind without a cluster secret (or TLS) refuses to start; default
		 * true
		 * @return this
		 */
		public Builder protectedMode(boolean value) {
			this.protectedMode = value;
			return this;
		}

		/**
		 * @param value most members linked per topic when membership pairs the node (links others open are not
		 * counted); default 5
		 * @return this
		 */
		public Builder maxConnections(int value) {
			this.maxConnections = value;
			return this;
		}

		/** @return the settings these values make, validated */
		public NodeSettings settings() {
			return new NodeSettings(this.name, this.bindHost, this.port, this.advertisedHost, this.subscriptions,
					this.root, this.maxFrameBytes, this.batchFrameBytes, this.transportMode, this.connectTimeout,
					this.handshakeTimeout, this.keepAliveInterval, this.maxMissedPings, this.pingTimeout,
					this.reconnectAttempts, this.reconnectInitialBackoff, this.reconnectMaxBackoff, this.idleTimeout,
					this.outboundQueueCapacity, this.overflowPolicy, this.sendTimeout, this.shutdownTimeout,
					this.maxPeers, this.maxPendingConnections, this.listenBacklog, this.handshakeMaxFrameBytes,
					this.clusterSecret, this.protectedMode, this.maxConnections);
		}

		/** @return a node (not started) */
		public ChaskiNode build() {
			return new ChaskiNode(settings());
		}

	}

}
