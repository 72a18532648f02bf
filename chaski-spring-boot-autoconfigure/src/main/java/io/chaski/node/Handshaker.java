package io.chaski.node;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.security.ClusterSecret;
import io.chaski.security.HandshakeProof;
import io.chaski.security.HandshakeProof.Role;
import io.chaski.support.LogSafe;
import io.chaski.support.RateLimitedLog;
import io.chaski.transport.Connection;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.WireFormat;

/**
 * The handshake (docs/protocol.md 4.1) and what follows it: the connection becomes the edge to its peer, or, if
 * there is one already, the two connections are resolved to one (4.2). Without a cluster secret it is HELLO /
 * HELLO_ACK; with one, HELLO carries the dialler's nonce, HELLO_ACK the acceptor's nonce and proof, and the
 * dialler answers AUTH with its proof: the acceptor registers the edge only then. A peer that cannot prove the
 * secret is refused (closed, counted, one rate-limited warning) before anything else it sent is read.
 */
final class Handshaker {

	// the node's category, as before this class was split off, so logging settings keep applying
	private static final Logger log = LoggerFactory.getLogger(ChaskiNode.class);

	static final String PEER_HAS_NO_SECRET = "cluster secret mismatch: this node requires a cluster secret and the peer has none";

	static final String NODE_HAS_NO_SECRET = "cluster secret mismatch: the peer requires a cluster secret and this node has none";

	static final String WRONG_PROOF = "cluster secret mismatch: the peer's proof does not match this node's secret";

	private static final long DUPLICATE_CLOSE_DELAY_MILLIS = 200;

	/**
	 * How long a connection handed over may wait for the peer's HANDOVER before it is closed anyway (a peer that
	 * never moves off it), and how long traffic on a peer's next connection waits for the one before to end. The
	 * peer's last frames there may be waiting for a slow reader of this node: this is a bound, not a pace.
	 */
	static final long HANDOVER_LIMIT_MILLIS = 60_000;

	/** A connection that brought a frame this recently is in use by its sender. */
	private static final long SENDING_NANOS = 1_000_000_000L;

	/** Unanswered keep-alives after which a live connection counts as dead for a newcomer claiming its peer. */
	private static final int DEAD_AFTER_UNANSWERED_PINGS = 2;

	private final ChaskiNode node;

	private final EdgeRegistry registry;

	private final DirectSender sender;

	private final ScheduledExecutorService timer;

	private final List<NodeListener> listeners;

	private final RateLimitedLog refusals = new RateLimitedLog(log);

	private final RateLimitedLog handoverWarnings = new RateLimitedLog(log);

	private final Handover handover;

	Handshaker(ChaskiNode node, EdgeRegistry registry, DirectSender sender, ScheduledExecutorService timer,
			List<NodeListener> listeners) {
		this.node = node;
		this.registry = registry;
		this.sender = sender;
		this.timer = timer;
		this.listeners = listeners;
		this.handover = new ConnectionHandover(Envelope.control(EnvelopeKind.HANDOVER, node.id(), 0, null));
		ControlPayloads.warmUp(new Handshake(WireFormat.PROTOCOL_VERSION, UUID.randomUUID(), "warm-up", "localhost", 1,
				false, Set.of("topic"), HandshakeProof.newNonce(), HandshakeProof.newNonce()));
	}

	/**
	 * Opens the handshake on a connection this node dialled.
	 * @param done completed with the peer once the HELLO_ACK is read (and verified) and the edge registered
	 */
	void sendHello(Connection connection, ConnectionState state, CompletableFuture<PeerInfo> done) {
		state.handshakeDone = done;
		state.nonce = (secret() != null) ? HandshakeProof.newNonce() : null;
		this.sender.send(connection, handshakeEnvelope(EnvelopeKind.HELLO, state.nonce, null));
	}

	void onHello(Connection connection, ConnectionState state, Envelope envelope) {
		if (connection.initiatedLocally() || state.edge != null || state.awaitingAuth != null) {
			throw new ProtocolException("unexpected HELLO");
		}
		Handshake hello = readHandshake(envelope);
		if (!roomFor(hello.nodeId())) {
			refuseOverLimit(connection, state, hello);
			return;
		}
		ClusterSecret secret = secret();
		if (secret == null) {
			Envelope ack = handshakeEnvelope(EnvelopeKind.HELLO_ACK, null, null);
			if (hello.nonce() != null) {
				refuseAuthentication(connection, state, hello, NODE_HAS_NO_SECRET, ack); // the ack tells it why
			}
			else {
				// the edge exists before the peer learns that the handshake succeeded
				register(connection, state, hello, ack);
			}
			return;
		}
		byte[] nonce = HandshakeProof.newNonce();
		if (hello.nonce() == null) {
			refuseAuthentication(connection, state, hello, PEER_HAS_NO_SECRET,
					handshakeEnvelope(EnvelopeKind.HELLO_ACK, nonce, null));
			return;
		}
		state.nonce = nonce;
		state.awaitingAuth = hello;
		byte[] proof = HandshakeProof.of(secret, Role.ACCEPTOR, hello.nonce(), nonce, hello.nodeId(), this.node.id());
		this.sender.send(connection, handshakeEnvelope(EnvelopeKind.HELLO_ACK, nonce, proof));
	}

	void onAuth(Connection connection, ConnectionState state, Envelope envelope) {
		Handshake hello = state.awaitingAuth;
		if (hello == null || state.edge != null) {
			throw new ProtocolException("unexpected AUTH");
		}
		state.awaitingAuth = null;
		if (!HandshakeProof.verify(secret(), envelope.payload(), Role.DIALER, hello.nonce(), state.nonce,
				hello.nodeId(), this.node.id())) {
			refuseAuthentication(connection, state, hello, WRONG_PROOF, null);
			return;
		}
		register(connection, state, hello, null);
	}

	void onHelloAck(Connection connection, ConnectionState state, Envelope envelope) {
		if (!connection.initiatedLocally() || state.edge != null) {
			throw new ProtocolException("unexpected HELLO_ACK");
		}
		Handshake ack = readHandshake(envelope);
		ClusterSecret secret = secret();
		if (secret == null) {
			if (ack.nonce() != null) {
				refuseAuthentication(connection, state, ack, NODE_HAS_NO_SECRET, null);
			}
			else {
				register(connection, state, ack, null);
			}
			return;
		}
		if (ack.nonce() == null) {
			refuseAuthentication(connection, state, ack, PEER_HAS_NO_SECRET, null);
			return;
		}
		if (!HandshakeProof.verify(secret, ack.proof(), Role.ACCEPTOR, state.nonce, ack.nonce(), this.node.id(),
				ack.nodeId())) {
			// an empty AUTH tells the acceptor why, without handing a proof to a peer that gave none
			refuseAuthentication(connection, state, ack, WRONG_PROOF, authEnvelope(new byte[0]));
			return;
		}
		this.sender.send(connection, authEnvelope(
				HandshakeProof.of(secret, Role.DIALER, state.nonce, ack.nonce(), this.node.id(), ack.nodeId())));
		register(connection, state, ack, null);
	}

	private Handshake readHandshake(Envelope envelope) {
		Handshake hello = ControlPayloads.readHandshake(envelope.payload());
		if (hello.nodeId().equals(this.node.id())) {
			throw new ProtocolException("connected to itself");
		}
		return hello;
	}

	private ClusterSecret secret() {
		return this.node.settings().clusterSecret();
	}

	private Envelope handshakeEnvelope(EnvelopeKind kind, byte[] nonce, byte[] proof) {
		Handshake hello = this.node.handshake().withAuthentication(nonce, proof);
		return Envelope.control(kind, this.node.id(), this.node.nextMessageId(), ControlPayloads.write(hello));
	}

	private Envelope authEnvelope(byte[] proof) {
		return Envelope.control(EnvelopeKind.AUTH, this.node.id(), this.node.nextMessageId(), proof);
	}

	/** A peer that is connected already may always handshake again (duplicate resolution); a new one needs room. */
	private boolean roomFor(UUID peer) {
		return this.registry.size() < this.node.settings().maxPeers() || this.registry.edge(peer) != null;
	}

	// ---------------------------------------------------------------- refusals

	private void refuseAuthentication(Connection connection, ConnectionState state, Handshake peer, String reason,
			Envelope answer) {
		this.node.stats().authenticationFailures.increment();
		this.refusals.warn("authentication", "Node {} refuses {} ({}): {}", this.node.name(), LogSafe.of(peer.name()),
				connection, reason);
		refuse(connection, state, reason, answer);
	}

	private void refuseOverLimit(Connection connection, ConnectionState state, Handshake peer) {
		this.node.stats().peerLimitRefusals.increment();
		this.refusals.warn("peer-limit",
				"Node {} refuses {} ({}): it has its maximum of {} peers (chaski.transport.max-peers)",
				this.node.name(), LogSafe.of(peer.name()), connection, this.node.settings().maxPeers());
		refuse(connection, state, "the peer limit is reached", null);
	}

	/** Nothing more from the connection is read (the dispatcher skips refused ones); it closes. */
	private void refuse(Connection connection, ConnectionState state, String reason, Envelope answer) {
		state.refused = true;
		state.awaitingAuth = null;
		if (state.handshakeDone != null) {
			state.handshakeDone.completeExceptionally(new IllegalStateException("handshake refused: " + reason));
		}
		if (answer == null) {
			connection.close();
			return;
		}
		this.sender.send(connection, answer);
		closeLater(connection, DUPLICATE_CLOSE_DELAY_MILLIS, () -> true); // closing at once could lose the answer
	}

	// ---------------------------------------------------------------- registration and duplicates

	/**
	 * Makes a handshaken connection the edge to its peer, or resolves it against the edge there is already.
	 */
	private void register(Connection connection, ConnectionState state, Handshake hello, Envelope ack) {
		boolean full;
		synchronized (this.registry) { // against a close: either this sees the connection gone, or it sees the edge
			if (this.registry.state(connection) != state) {
				// the connection closed while its handshake was being read: an edge made now would never be removed
				return;
			}
			connection.handshakeCompleted();
			Edge existing = this.registry.edge(hello.nodeId());
			full = existing == null && !roomFor(hello.nodeId());
			if (!full) {
				if (existing == null) {
					addEdge(connection, state, hello, ack);
				}
				else {
					resolveDuplicate(existing, connection, state, hello, ack);
				}
				if (state.handshakeDone != null) {
					state.handshakeDone.complete(this.registry.edge(hello.nodeId()).info());
				}
			}
		}
		if (full) {
			refuseOverLimit(connection, state, hello);
		}
	}

	private void addEdge(Connection connection, ConnectionState state, Handshake hello, Envelope ack) {
		Edge edge = new Edge(hello, connection, this.node.settings(), this.node.stats(), this.node.name(),
				this.handover);
		state.edge = edge;
		this.registry.add(edge);
		if (ack != null) {
			this.sender.send(connection, ack); // before the writer starts: the ack is the first frame the peer reads
		}
		edge.startWriter();
		log.info("Node {} connected to {} ({})", this.node.name(), edge, connection.initiatedLocally() ? "out" : "in");
		PeerInfo info = edge.info();
		this.listeners.forEach(listener -> listener.peerConnected(info));
	}

	/*
	 * A handshake for a peer that has an edge already. Its claim is not trusted to displace anything: only a dead
	 * old connection (closed, or its keep-alives unanswered) is replaced at once, identity and subscriptions
	 * included. Otherwise both nodes settle on the connection opened by the node with the smaller id (S), without
	 * talking, and neither ever lets an inbound claim replace a live connection:
	 *
	 * - S keeps or switches to the connection it opened itself (its own dial; a switch only while the live one is
	 *   as young as a dial race) and hands the other over.
	 * - The larger node (L) never switches by itself. If its live connection is the one L opened, it holds the
	 *   connection opened by S as a duplicate; S hands L's over, and L moves to the duplicate when it reads that
	 *   HANDOVER (onHandover). A duplicate the peer does not use is closed after the handshake timeout.
	 * - Two connections opened by the same node (it dialled the other under two addresses): the node that opened
	 *   them keeps the one it registered first and hands the other over; the other node follows.
	 *
	 * Leaving a connection is never a close (docs/protocol.md 4.2): the node says HANDOVER there after its last
	 * frame, and the connection closes once both sides said it, so neither loses what it wrote there; the peer's
	 * traffic on the next connection is read only once the one before ended (InboundTurn), so nothing overtakes.
	 *
	 * Two honest nodes dialling each other at once: each side registers whichever connection completes its
	 * handshake first, so they may disagree for a moment; S's rule ends on S's connection, and L follows S's
	 * HANDOVER. With a cluster secret the same happens, a step later: the acceptor registers on AUTH and the
	 * dialler on the verified HELLO_ACK. An impostor claiming a live peer's id (possible without a secret) is only
	 * ever a duplicate, closed after the handshake timeout unless the real peer moved to it; meanwhile its traffic
	 * waits behind the real connection's, its SUBSCRIPTIONS are held (applied only if it takes over) and its BYE
	 * closes only its own connection.
	 */
	private void resolveDuplicate(Edge existing, Connection connection, ConnectionState state, Handshake hello,
			Envelope ack) {
		if (ack != null) {
			this.sender.send(connection, ack); // the peer resolves the duplicate on its side too
		}
		state.edge = existing; // until it closes, what arrives on it is the peer's traffic
		Connection current = existing.connection();
		if (current == connection) {
			return;
		}
		UUID peer = hello.nodeId();
		if (!current.isOpen() || existing.unansweredKeepAlives.get() >= DEAD_AFTER_UNANSWERED_PINGS) {
			existing.refreshIdentity(hello);
			existing.replaceConnection(connection);
			retire(current, DUPLICATE_CLOSE_DELAY_MILLIS);
		}
		else if (!keptByIdOrder(current, connection, peer)
				&& (connection.initiatedLocally() || current.initiatedLocally())) {
			// the peer may have taken this one for the edge and be writing on it: it moves off when it reads our
			// HANDOVER, and the connection closes when both have said it, with nothing unread
			handOver(state);
			existing.handOver(connection);
			closeIfUnused(existing, state);
		}
		else if (connection.initiatedLocally() && isDialRace(current)) {
			existing.replaceConnection(connection); // the writer hands the old one over after its last frame there
			handOver(this.registry.state(current));
		}
		else {
			// held until the peer moves to it (its HANDOVER on the current one), or closed unused
			state.duplicate = true;
			closeIfUnused(existing, state);
		}
	}

	/**
	 * Closes a duplicate after the handshake timeout unless it took over or both sides are handing it over. While
	 * the peer may still use it, it is looked at again later, up to {@link #HANDOVER_LIMIT_MILLIS}.
	 */
	private void closeIfUnused(Edge edge, ConnectionState state) {
		long delay = this.node.settings().handshakeTimeout().toMillis() + DUPLICATE_CLOSE_DELAY_MILLIS;
		closeIfUnused(edge, state, delay, System.nanoTime() + HANDOVER_LIMIT_MILLIS * 1_000_000);
	}

	private void closeIfUnused(Edge edge, ConnectionState state, long delayMillis, long deadlineNanos) {
		try {
			this.timer.schedule(() -> {
				if (!state.duplicate || state.handoverReceived || !state.connection.isOpen()) {
					return;
				}
				if (usedByPeer(edge, state) && System.nanoTime() - deadlineNanos < 0) {
					closeIfUnused(edge, state, delayMillis, deadlineNanos);
				}
				else {
					state.connection.close();
				}
			}, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			state.connection.close(); // the node is stopping
		}
	}

	/**
	 * Whether the peer may still send on a duplicate: its traffic is read from it now and goes on (or nothing else
	 * waits for it), or the connection read now is inside a frame and the peer's HANDOVER there, which moves it
	 * here, may wait unread behind it. A duplicate holding the turn idle while the peer's traffic waits elsewhere
	 * is an impostor's (or a peer's that stopped): it is not used.
	 */
	private boolean usedByPeer(Edge edge, ConnectionState state) {
		Connection reading = edge.inbound.reading();
		if (reading == state.connection) {
			return state.inFrame || System.nanoTime() - state.lastFrameNanos < SENDING_NANOS
					|| !edge.inbound.hasWaiting();
		}
		ConnectionState read = (reading != null) ? this.registry.state(reading) : null;
		return read != null && read.inFrame;
	}

	/** @return whether the id-order rule keeps the candidate: the two were opened by different nodes, it by S */
	private boolean keptByIdOrder(Connection current, Connection candidate, UUID peer) {
		UUID self = this.node.id();
		UUID currentOpener = current.initiatedLocally() ? self : peer;
		UUID candidateOpener = candidate.initiatedLocally() ? self : peer;
		if (currentOpener.equals(candidateOpener)) {
			return false;
		}
		UUID smaller = (self.compareTo(peer) < 0) ? self : peer;
		return candidateOpener.equals(smaller);
	}

	/** @return whether the live connection opened recently enough to be the other half of a simultaneous dial */
	private boolean isDialRace(Connection current) {
		ConnectionState state = this.registry.state(current);
		NodeSettings settings = this.node.settings();
		long window = settings.connectTimeout().plus(settings.handshakeTimeout()).toNanos();
		return state != null && System.nanoTime() - state.openedNanos < window;
	}

	/**
	 * The edge's connection closed: a duplicate still open for the same peer takes over, unless the peer said
	 * goodbye.
	 * @param edge the edge whose connection closed
	 * @return whether a duplicate took over (the edge lives on)
	 */
	boolean takeOver(Edge edge) {
		if (edge.isLeaving()) {
			return false;
		}
		synchronized (this.registry) {
			for (ConnectionState candidate : this.registry.connections()) {
				if (candidate.edge == edge && candidate.duplicate && candidate.connection.isOpen()
						&& !candidate.handoverSent && !candidate.handoverReceived) {
					candidate.duplicate = false;
					edge.replaceConnection(candidate.connection);
					Set<String> held = candidate.heldSubscriptions;
					if (held != null) {
						edge.updateSubscriptions(held);
					}
					log.debug("Node {} goes on with {} over {}", this.node.name(), edge, candidate.connection);
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * A HANDOVER: the peer writes nothing more on this connection. Its traffic on another connection may be read
	 * now; if this node writes on this one, it moves to the peer's other connection (its writer says HANDOVER here
	 * after its last frame); the connection closes once both sides have said it.
	 */
	void onHandover(Edge edge, ConnectionState state) {
		state.handoverReceived = true;
		edge.inbound.ended(state.connection);
		synchronized (this.registry) {
			if (edge.connection() == state.connection) {
				if (takeOver(edge)) {
					handOver(state); // its close no longer ends the edge
				}
				// else nowhere to go: this node goes on writing here, and the peer's limit closes it
				return;
			}
		}
		if (state.handoverSent) {
			state.connection.close();
		}
		else {
			edge.handOver(state.connection);
		}
	}

	/**
	 * Notes that this node writes no more on a duplicate (the edge's writer says HANDOVER there) and bounds how
	 * long the connection waits for the peer's.
	 */
	private void handOver(ConnectionState state) {
		if (state == null) {
			return;
		}
		state.duplicate = true;
		closeLater(state.connection, HANDOVER_LIMIT_MILLIS, () -> {
			if (!state.handoverReceived && state.connection.isOpen()) {
				this.handoverWarnings.warn("handover", "Node {} closes {} without the peer's HANDOVER after {} ms: "
						+ "messages it still sent there are lost", this.node.name(), state.connection,
						HANDOVER_LIMIT_MILLIS);
			}
			return true;
		});
	}

	/**
	 * A SUBSCRIPTIONS envelope: it changes the edge only over the edge's connection; over a duplicate it is held
	 * until the duplicate takes over, so a claim on another connection cannot change a live peer's topics.
	 */
	void onSubscriptions(Edge edge, ConnectionState state, Set<String> topics) {
		if (edge.connection() == state.connection) {
			edge.updateSubscriptions(topics);
		}
		else {
			state.heldSubscriptions = Set.copyOf(topics);
		}
	}

	/**
	 * Closes a duplicate connection after a delay, unless it took over meanwhile; its edge lives on over the
	 * other one. The delay lets the peer read our handshake on it and resolve the duplicate itself, instead of
	 * taking the close for a lost edge. Only for a connection that is dead already: a live one is handed over.
	 */
	private void retire(Connection duplicate, long delayMillis) {
		ConnectionState state = this.registry.state(duplicate);
		if (state == null) {
			return;
		}
		state.duplicate = true;
		closeLater(duplicate, delayMillis, () -> state.duplicate);
	}

	/** Sends HANDOVER for an edge's writer, and closes a connection once both sides have sent theirs. */
	private final class ConnectionHandover implements Handover {

		private final Envelope envelope;

		ConnectionHandover(Envelope envelope) {
			this.envelope = envelope;
		}

		@Override
		public Envelope envelope() {
			return this.envelope;
		}

		@Override
		public void done(Connection connection) {
			ConnectionState state = Handshaker.this.registry.state(connection);
			if (state == null) {
				return;
			}
			state.handoverSent = true;
			if (state.handoverReceived) {
				connection.close(); // the peer's HANDOVER was its last frame here, and it has read ours
			}
		}

	}

	private void closeLater(Connection connection, long delayMillis, BooleanSupplier stillWanted) {
		try {
			this.timer.schedule(() -> {
				if (stillWanted.getAsBoolean()) {
					connection.close();
				}
			}, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			connection.close(); // the node is stopping
		}
	}

}
