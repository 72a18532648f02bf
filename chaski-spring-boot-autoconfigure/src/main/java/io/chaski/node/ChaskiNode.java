package io.chaski.node;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.transport.Connection;
import io.chaski.transport.TcpTransport;
import io.chaski.transport.TransportHandler;
import io.chaski.transport.TransportMode;
import io.chaski.transport.TransportSettings;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.FrameBuffer;
import io.chaski.wire.FrameDecoder;
import io.chaski.wire.WireFormat;
import io.chaski.wire.WireFormatException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Chaski node: listens on TCP, keeps one connection per peer (edges), measures latency with pings,
 * reconnects lost peers and hands topic traffic to the layers above it ({@link EnvelopeHandler}s).
 * Build one with {@link #builder()}; it works without any Spring context.
 */
public final class ChaskiNode implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ChaskiNode.class);

	private static final JsonMapper CONTROL_JSON = JsonMapper.builder().build();

	private static final long DUPLICATE_CLOSE_DELAY_MILLIS = 200;

	/** How long a node waits for a peer to close after saying goodbye before it closes the connection itself. */
	private static final long GOODBYE_GRACE_MILLIS = 1000;

	private final UUID id = UUID.randomUUID();

	private final NodeSettings settings;

	private final NodeStats stats = new NodeStats();

	private final Set<String> subscriptions;

	/** The subscriptions again, as an immutable hash set replaced on change: routing asks it per message. */
	private volatile Set<String> memberOf;

	private final Map<UUID, Edge> edges = new ConcurrentHashMap<>();

	/** The edges again, as an immutable list replaced on every change: routing iterates it per message. */
	private volatile List<Edge> edgeList = List.of();

	private final Map<String, ConnectionState> connections = new ConcurrentHashMap<>();

	private final Map<String, CompletableFuture<PeerInfo>> connectsInFlight = new ConcurrentHashMap<>();

	private final Map<EnvelopeKind, EnvelopeHandler> handlers = new EnumMap<>(EnvelopeKind.class);

	private final List<EnvelopeHandler> frameHandlers = new CopyOnWriteArrayList<>();

	private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();

	private final AtomicLong sequence = new AtomicLong();

	private final Backoff backoff;

	private final TcpTransport transport;

	private final ScheduledExecutorService timer;

	private volatile PeerAddress advertised;

	private volatile boolean running;

	private ChaskiNode(NodeSettings settings) {
		this.settings = settings;
		this.subscriptions = new CopyOnWriteArraySet<>(settings.subscriptions());
		this.memberOf = Set.copyOf(this.subscriptions);
		this.backoff = new Backoff(settings.reconnectInitialBackoff(), settings.reconnectMaxBackoff());
		this.transport = new TcpTransport(new TransportSettings(settings.bindHost(), settings.port(),
				settings.maxFrameBytes(), settings.transportMode(), settings.connectTimeout()), new Wiring(),
				settings.name());
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
			Thread thread = new Thread(runnable, settings.name() + "-timer");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.setRemoveOnCancelPolicy(true);
		this.timer = scheduler;
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
	 * Binds the listening socket and starts keep-alive. Returns once the node accepts connections.
	 * @return this node
	 */
	public synchronized ChaskiNode start() {
		if (this.running) {
			return this;
		}
		this.transport.start();
		InetSocketAddress bound = this.transport.localAddress();
		this.advertised = new PeerAddress(this.settings.name(), advertisedHost(bound), bound.getPort());
		this.running = true;
		long tick = Math.max(50, Math.min(this.settings.keepAliveInterval().toMillis() / 4, 1000));
		if (this.settings.keepAliveInterval().isZero()) {
			tick = 1000;
		}
		this.timer.scheduleWithFixedDelay(this::housekeeping, tick, tick, TimeUnit.MILLISECONDS);
		if (!isLoopback(bound.getAddress())) {
			log.warn("Node {} listens on {} without TLS: anyone who can reach it can join the mesh", name(), bound);
		}
		log.info("Node {} ({}) listening on {}", name(), this.id, this.advertised.hostAndPort());
		return this;
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
		List<Edge> all = new ArrayList<>(this.edges.values());
		for (Edge edge : all) {
			edge.markLeaving();
			edge.awaitDrained(deadline);
			sendDirect(edge.connection(), Envelope.control(EnvelopeKind.BYE, this.id, 0, null));
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
		String key = addressKey(host, port);
		Optional<Edge> existing = this.edges.values().stream()
			.filter(edge -> addressKey(edge.info().address().host(), edge.info().address().port()).equals(key))
			.findFirst();
		if (existing.isPresent()) {
			return CompletableFuture.completedFuture(existing.get().info());
		}
		return this.connectsInFlight.computeIfAbsent(key, k -> {
			CompletableFuture<PeerInfo> result = new CompletableFuture<>();
			this.transport.connect(host, port).whenComplete((connection, failure) -> {
				if (failure != null) {
					result.completeExceptionally(failure.getCause() != null ? failure.getCause() : failure);
					return;
				}
				ConnectionState state = this.connections.get(connection.id());
				if (state == null) {
					result.completeExceptionally(new IllegalStateException("connection to " + key + " closed"));
					return;
				}
				state.handshakeDone = result;
				sendDirect(connection, helloEnvelope(EnvelopeKind.HELLO));
			});
			long limit = this.settings.connectTimeout().plus(this.settings.handshakeTimeout()).toMillis();
			result.orTimeout(limit, TimeUnit.MILLISECONDS)
				.whenComplete((peer, failure) -> this.connectsInFlight.remove(key, result));
			return result;
		});
	}

	/** @return a snapshot of every connected peer */
	public List<PeerInfo> peers() {
		return this.edges.values().stream().map(Edge::info).toList();
	}

	/**
	 * @param nodeId a peer's id
	 * @return the peer, if connected
	 */
	public Optional<PeerInfo> peer(UUID nodeId) {
		return Optional.ofNullable(this.edges.get(nodeId)).map(Edge::info);
	}

	/**
	 * Closes the edge to a peer on purpose (no reconnection).
	 * @param nodeId the peer's id
	 * @return whether there was such an edge
	 */
	public boolean disconnect(UUID nodeId) {
		Edge edge = this.edges.get(nodeId);
		if (edge == null) {
			return false;
		}
		edge.markLeaving();
		Connection connection = edge.connection();
		sendDirect(connection, Envelope.control(EnvelopeKind.BYE, this.id, 0, null));
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
		Edge edge = this.edges.get(nodeId);
		if (edge == null) {
			return CompletableFuture.failedFuture(new IllegalArgumentException("not connected to " + nodeId));
		}
		CompletableFuture<Duration> answer = new CompletableFuture<>();
		sendPing(edge, new byte[payloadSize], answer);
		return answer.orTimeout(this.settings.pingTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	// ---------------------------------------------------------------- SPI for the layers above

	/**
	 * Routes envelopes of one kind to a handler (one per kind).
	 * @param kind the kind
	 * @param handler the handler
	 */
	public void registerHandler(EnvelopeKind kind, EnvelopeHandler handler) {
		synchronized (this.handlers) {
			if (this.handlers.putIfAbsent(kind, handler) != null) {
				throw new IllegalStateException("a handler for " + kind + " is already registered");
			}
			if (!this.frameHandlers.contains(handler)) {
				this.frameHandlers.add(handler);
			}
		}
	}

	/** @param listener told when peers come and go */
	public void addListener(NodeListener listener) {
		this.listeners.add(listener);
	}

	/** @return the live edges, for routing: an immutable snapshot, cheap to iterate */
	public List<Edge> edges() {
		return this.edgeList;
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
		for (Map.Entry<String, String> header : envelope.headers().entrySet()) {
			bound += 3L * (header.getKey().length() + header.getValue().length()) + 3;
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

	// ---------------------------------------------------------------- inbound

	private void onFrame(Connection connection, byte[] body) {
		ConnectionState state = this.connections.get(connection.id());
		if (state == null) {
			return;
		}
		this.stats.framesIn.increment();
		this.stats.bytesIn.add(body.length + WireFormat.FRAME_HEADER_BYTES);
		try {
			// the transport hands one connection's frames over one at a time, in order
			int count = state.decoder.decode(body, envelope -> dispatch(connection, state, envelope));
			this.stats.envelopesIn.add(count);
		}
		catch (WireFormatException | ProtocolException ex) {
			reject(connection, ex.getMessage());
		}
		finally {
			// what was accepted before a fault still goes out
			this.frameHandlers.forEach(EnvelopeHandler::endOfFrame);
		}
	}

	private void dispatch(Connection connection, ConnectionState state, Envelope envelope) {
		switch (envelope.kind()) {
			case HELLO -> onHello(connection, state, envelope);
			case HELLO_ACK -> onHelloAck(connection, state, envelope);
			default -> {
				Edge edge = state.edge;
				if (edge == null) {
					throw new ProtocolException(envelope.kind() + " before the handshake");
				}
				onEdgeEnvelope(edge, envelope);
			}
		}
	}

	private void onEdgeEnvelope(Edge edge, Envelope envelope) {
		switch (envelope.kind()) {
			case BYE -> {
				edge.markLeaving();
				edge.connection().close();
			}
			case PING -> edge.offerControl(new Envelope(EnvelopeKind.PONG, this.id, envelope.id(), 1,
					envelope.timestamp(), "", Map.of(), envelope.payload()));
			case PONG -> onPong(edge, envelope);
			case SUBSCRIPTIONS -> {
				Set<String> topics = readJson(envelope.payload(), new TypeReference<Set<String>>() {
				});
				if (!validTopics(topics)) {
					throw new ProtocolException("malformed SUBSCRIPTIONS: " + topics);
				}
				edge.updateSubscriptions(topics);
			}
			default -> {
				EnvelopeHandler handler = this.handlers.get(envelope.kind());
				edge.markData();
				if (handler != null) {
					handler.handle(edge, envelope);
				}
				else {
					log.debug("No handler for {} from {}; ignored", envelope.kind(), edge);
				}
			}
		}
	}

	private void onHello(Connection connection, ConnectionState state, Envelope envelope) {
		if (connection.initiatedLocally() || state.edge != null) {
			throw new ProtocolException("unexpected HELLO");
		}
		Handshake hello = readHandshake(envelope);
		// the edge exists before the peer learns that the handshake succeeded
		register(connection, state, hello, helloEnvelope(EnvelopeKind.HELLO_ACK));
	}

	private void onHelloAck(Connection connection, ConnectionState state, Envelope envelope) {
		if (!connection.initiatedLocally() || state.edge != null) {
			throw new ProtocolException("unexpected HELLO_ACK");
		}
		register(connection, state, readHandshake(envelope), null);
	}

	private Handshake readHandshake(Envelope envelope) {
		Handshake hello = readJson(envelope.payload(), new TypeReference<Handshake>() {
		});
		if (hello == null || hello.protocol() != WireFormat.PROTOCOL_VERSION || hello.nodeId() == null
				|| hello.name() == null || hello.name().isBlank() || hello.host() == null || hello.host().isBlank()
				|| hello.port() < 1 || hello.port() > 65535 || !validTopics(hello.subscriptions())) {
			throw new ProtocolException("incomplete or incompatible handshake " + hello);
		}
		if (hello.nodeId().equals(this.id)) {
			throw new ProtocolException("connected to itself");
		}
		return hello;
	}

	/**
	 * Makes a handshaken connection the edge to its peer. When both nodes connected at once, both keep the
	 * connection opened by the node with the smaller id and close the other, so they agree without talking.
	 */
	private synchronized void register(Connection connection, ConnectionState state, Handshake hello, Envelope ack) {
		if (this.connections.get(connection.id()) != state) {
			// the connection closed while its handshake was being read: an edge made now would never be removed
			return;
		}
		Edge existing = this.edges.get(hello.nodeId());
		if (existing == null) {
			Edge edge = new Edge(hello, connection, this.settings, this.stats, name());
			state.edge = edge;
			this.edges.put(hello.nodeId(), edge);
			this.edgeList = List.copyOf(this.edges.values());
			if (ack != null) {
				sendDirect(connection, ack); // before the writer starts: the ack is the first frame the peer reads
			}
			edge.startWriter();
			log.info("Node {} connected to {} ({})", name(), edge, connection.initiatedLocally() ? "out" : "in");
			PeerInfo info = edge.info();
			this.listeners.forEach(listener -> listener.peerConnected(info));
		}
		else {
			if (ack != null) {
				sendDirect(connection, ack);
			}
			existing.refreshIdentity(hello);
			Connection current = existing.connection();
			if (current != connection && preferNew(current, connection, hello.nodeId())) {
				state.edge = existing;
				existing.replaceConnection(connection);
				retire(current);
			}
			else if (current != connection) {
				state.edge = existing;
				retire(connection);
			}
		}
		if (state.handshakeDone != null) {
			state.handshakeDone.complete(this.edges.get(hello.nodeId()).info());
		}
	}

	private boolean preferNew(Connection current, Connection candidate, UUID peer) {
		if (!current.isOpen()) {
			return true;
		}
		UUID currentOpener = current.initiatedLocally() ? this.id : peer;
		UUID candidateOpener = candidate.initiatedLocally() ? this.id : peer;
		if (currentOpener.equals(candidateOpener)) {
			return false;
		}
		UUID smaller = (this.id.compareTo(peer) < 0) ? this.id : peer;
		return candidateOpener.equals(smaller);
	}

	/**
	 * Closes a duplicate connection; its edge lives on over the other one. The close waits a moment so the
	 * peer reads our handshake on it and resolves the duplicate itself, instead of taking the close for a
	 * lost edge.
	 */
	private void retire(Connection duplicate) {
		ConnectionState state = this.connections.get(duplicate.id());
		if (state != null) {
			state.duplicate = true;
		}
		this.timer.schedule(duplicate::close, DUPLICATE_CLOSE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
	}

	private void onPong(Edge edge, Envelope envelope) {
		PendingPing ping = edge.pendingPings.remove(envelope.id());
		if (ping == null) {
			return; // late answer to a ping that timed out
		}
		long oneWay = (System.nanoTime() - ping.sentNanos()) / 2;
		if (ping.recordLatency()) {
			edge.latency.record(oneWay);
		}
		if (ping.answer() != null) {
			ping.answer().complete(Duration.ofNanos(oneWay));
		}
		else {
			edge.unansweredKeepAlives.set(0);
		}
	}

	private void onClosed(Connection connection) {
		ConnectionState state;
		synchronized (this) { // against register(): either it sees the connection gone, or this sees its edge
			state = this.connections.remove(connection.id());
		}
		if (state == null) {
			return;
		}
		if (state.handshakeDone != null && !state.handshakeDone.isDone()) {
			state.handshakeDone.completeExceptionally(
					new IllegalStateException("connection " + connection + " closed during the handshake"));
		}
		Edge edge = state.edge;
		if (edge != null && !state.duplicate && edge.connection() == connection) {
			removeEdge(edge, connection);
		}
	}

	private void removeEdge(Edge edge, Connection connection) {
		synchronized (this) {
			if (!this.edges.remove(edge.nodeId(), edge)) {
				return;
			}
			this.edgeList = List.copyOf(this.edges.values());
		}
		edge.close();
		PeerInfo info = edge.info();
		boolean graceful = edge.isLeaving();
		log.info("Node {} lost {} ({})", name(), edge, graceful ? "closed on purpose" : "connection failed");
		this.listeners.forEach(listener -> listener.peerDisconnected(info, graceful));
		if (!graceful && this.running && connection.initiatedLocally() && this.settings.reconnectAttempts() > 0) {
			scheduleReconnect(info.address(), 1);
		}
	}

	private void scheduleReconnect(PeerAddress address, int attempt) {
		Duration delay = this.backoff.delayBefore(attempt);
		log.info("Node {} reconnects to {} in {} ms (attempt {} of {})", name(), address, delay.toMillis(), attempt,
				this.settings.reconnectAttempts());
		try {
			this.timer.schedule(() -> connect(address.host(), address.port()).whenComplete((peer, failure) -> {
				if (failure == null) {
					this.stats.reconnects.increment();
				}
				else if (attempt < this.settings.reconnectAttempts() && this.running) {
					scheduleReconnect(address, attempt + 1);
				}
				else if (this.running) {
					log.warn("Node {} gave up reconnecting to {} after {} attempts", name(), address, attempt);
				}
			}), delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// stopping
		}
	}

	private void reject(Connection connection, String reason) {
		this.stats.rejectedConnections.increment();
		log.warn("Node {} closes connection {}: {}", name(), connection, reason);
		connection.close();
	}

	// ---------------------------------------------------------------- housekeeping

	private void housekeeping() {
		try {
			long now = System.nanoTime();
			for (Edge edge : this.edges.values()) {
				if (!this.settings.keepAliveInterval().isZero()) {
					keepAlive(edge, now);
				}
				closeIfIdle(edge, now);
			}
			for (Map.Entry<String, ConnectionState> entry : this.connections.entrySet()) {
				ConnectionState state = entry.getValue();
				if (state.edge == null && now - state.openedNanos > this.settings.handshakeTimeout().toNanos()) {
					reject(state.connection, "no handshake within " + this.settings.handshakeTimeout());
				}
			}
		}
		catch (RuntimeException ex) {
			log.warn("Housekeeping of node {} failed", name(), ex);
		}
	}

	private void keepAlive(Edge edge, long now) {
		if (now < edge.nextKeepAliveNanos) {
			return;
		}
		double jitter = 1.0 + ThreadLocalRandom.current().nextDouble(0.25);
		edge.nextKeepAliveNanos = now + (long) (this.settings.keepAliveInterval().toNanos() * jitter);
		if (edge.unansweredKeepAlives.get() >= this.settings.maxMissedPings()) {
			log.warn("Node {}: {} missed {} pings in a row; closing the connection", name(), edge,
					this.settings.maxMissedPings());
			edge.connection().close();
			return;
		}
		edge.unansweredKeepAlives.incrementAndGet();
		edge.pendingPings.values().removeIf(ping -> ping.answer() == null);
		sendPing(edge, new byte[0], null);
	}

	private void closeIfIdle(Edge edge, long now) {
		Duration idle = this.settings.idleTimeout();
		if (idle.isZero() || now - edge.lastDataNanos() < idle.toNanos() || sharesTopic(edge)) {
			return;
		}
		log.info("Node {} closes idle edge {}", name(), edge);
		disconnect(edge.nodeId());
	}

	private boolean sharesTopic(Edge edge) {
		if (isRoot() || edge.isRoot()) {
			return true;
		}
		return edge.subscriptions().stream().anyMatch(this.subscriptions::contains);
	}

	private void sendPing(Edge edge, byte[] padding, CompletableFuture<Duration> answer) {
		long pingId = nextMessageId();
		edge.pendingPings.put(pingId, new PendingPing(System.nanoTime(), answer, padding.length == 0));
		if (answer != null) {
			answer.whenComplete((latency, failure) -> edge.pendingPings.remove(pingId));
		}
		edge.offerControl(Envelope.control(EnvelopeKind.PING, this.id, pingId, padding));
	}

	// ---------------------------------------------------------------- outbound helpers

	private void announceSubscriptions() {
		this.memberOf = Set.copyOf(this.subscriptions);
		byte[] topics = CONTROL_JSON.writeValueAsBytes(this.subscriptions);
		for (Edge edge : this.edges.values()) {
			edge.offerControl(Envelope.control(EnvelopeKind.SUBSCRIPTIONS, this.id, nextMessageId(), topics));
		}
	}

	private Envelope helloEnvelope(EnvelopeKind kind) {
		PeerAddress me = this.advertised;
		Handshake hello = new Handshake(WireFormat.PROTOCOL_VERSION, this.id, name(), me.host(), me.port(), isRoot(),
				new LinkedHashSet<>(this.subscriptions));
		return Envelope.control(kind, this.id, nextMessageId(), CONTROL_JSON.writeValueAsBytes(hello));
	}

	/** Sends one envelope in its own frame, bypassing the queue (handshake and goodbye only). */
	private void sendDirect(Connection connection, Envelope envelope) {
		FrameBuffer frame = new FrameBuffer(256, this.settings.maxFrameBytes());
		try {
			frame.tryAdd(envelope);
			frame.finish();
			connection.send(frame);
			this.stats.framesOut.increment();
			this.stats.bytesOut.add(frame.length());
		}
		catch (WireFormatException | RuntimeException ex) {
			log.debug("Could not send {} over {}: {}", envelope.kind(), connection, ex.toString());
		}
	}

	private static boolean validTopics(Set<String> topics) {
		return topics != null && topics.stream().allMatch(topic -> topic != null && !topic.isBlank());
	}

	private static <T> T readJson(byte[] json, TypeReference<T> type) {
		try {
			return CONTROL_JSON.readValue(json, type);
		}
		catch (JacksonException ex) {
			throw new ProtocolException("malformed control payload: " + ex.getOriginalMessage());
		}
	}

	private String advertisedHost(InetSocketAddress bound) {
		if (this.settings.advertisedHost() != null && !this.settings.advertisedHost().isBlank()) {
			return this.settings.advertisedHost();
		}
		InetAddress address = bound.getAddress();
		if (!address.isAnyLocalAddress()) {
			return address.getHostAddress();
		}
		try {
			return InetAddress.getLocalHost().getHostAddress();
		}
		catch (UnknownHostException ex) {
			return InetAddress.getLoopbackAddress().getHostAddress();
		}
	}

	private static boolean isLoopback(InetAddress address) {
		return address.isLoopbackAddress();
	}

	private static String addressKey(String host, int port) {
		try {
			return InetAddress.getByName(host).getHostAddress() + "/" + port;
		}
		catch (UnknownHostException ex) {
			return host + "/" + port;
		}
	}

	private static String requireTopic(String topic) {
		if (topic == null || topic.isBlank() || topic.length() > 1024) {
			throw new IllegalArgumentException("topic must be 1..1024 characters, not blank");
		}
		return topic;
	}

	@Override
	public String toString() {
		return "ChaskiNode[" + name() + " " + (this.advertised != null ? this.advertised.hostAndPort() : "stopped")
				+ ", " + this.edges.size() + " peers]";
	}

	/** What the node knows about one connection before and after its handshake. */
	private static final class ConnectionState {

		final Connection connection;

		final FrameDecoder decoder = new FrameDecoder();

		final long openedNanos = System.nanoTime();

		volatile Edge edge;

		volatile boolean duplicate;

		volatile CompletableFuture<PeerInfo> handshakeDone;

		ConnectionState(Connection connection) {
			this.connection = connection;
		}

	}

	/** A peer broke the protocol; its connection is closed. */
	private static final class ProtocolException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		ProtocolException(String message) {
			super(message);
		}

	}

	/** Connects the transport's callbacks to the node. */
	private final class Wiring implements TransportHandler {

		@Override
		public void opened(Connection connection) {
			ChaskiNode.this.connections.put(connection.id(), new ConnectionState(connection));
		}

		@Override
		public void frameReceived(Connection connection, byte[] body) {
			onFrame(connection, body);
		}

		@Override
		public void closed(Connection connection) {
			onClosed(connection);
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

		private Duration idleTimeout = Duration.ZERO;

		private int outboundQueueCapacity = 65_536;

		private OverflowPolicy overflowPolicy = OverflowPolicy.WAIT;

		private Duration sendTimeout = Duration.ofSeconds(5);

		private Duration shutdownTimeout = Duration.ofSeconds(2);

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

		/** @param value close topic-less edges idle this long, zero disables (default) @return this */
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

		/** @return the settings these values make, validated */
		public NodeSettings settings() {
			return new NodeSettings(this.name, this.bindHost, this.port, this.advertisedHost, this.subscriptions,
					this.root, this.maxFrameBytes, this.batchFrameBytes, this.transportMode, this.connectTimeout,
					this.handshakeTimeout, this.keepAliveInterval, this.maxMissedPings, this.pingTimeout,
					this.reconnectAttempts, this.reconnectInitialBackoff, this.reconnectMaxBackoff, this.idleTimeout,
					this.outboundQueueCapacity, this.overflowPolicy, this.sendTimeout, this.shutdownTimeout);
		}

		/** @return a node (not started) */
		public ChaskiNode build() {
			return new ChaskiNode(settings());
		}

	}

}
