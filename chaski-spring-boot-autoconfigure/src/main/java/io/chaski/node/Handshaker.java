package io.chaski.node;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.transport.Connection;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;

/**
 * The HELLO / HELLO_ACK handshake (docs/protocol.md 4.1) and what follows it: the connection becomes the
 * edge to its peer, or, if there is one already, the two connections are resolved to one (4.2).
 */
final class Handshaker {

	// the node's category, as before this class was split off, so logging settings keep applying
	private static final Logger log = LoggerFactory.getLogger(ChaskiNode.class);

	private static final long DUPLICATE_CLOSE_DELAY_MILLIS = 200;

	private final ChaskiNode node;

	private final EdgeRegistry registry;

	private final DirectSender sender;

	private final ScheduledExecutorService timer;

	private final List<NodeListener> listeners;

	Handshaker(ChaskiNode node, EdgeRegistry registry, DirectSender sender, ScheduledExecutorService timer,
			List<NodeListener> listeners) {
		this.node = node;
		this.registry = registry;
		this.sender = sender;
		this.timer = timer;
		this.listeners = listeners;
	}

	/**
	 * Opens the handshake on a connection this node dialled.
	 * @param done completed with the peer once the HELLO_ACK is read and the edge registered
	 */
	void sendHello(Connection connection, ConnectionState state, CompletableFuture<PeerInfo> done) {
		state.handshakeDone = done;
		this.sender.send(connection, helloEnvelope(EnvelopeKind.HELLO));
	}

	void onHello(Connection connection, ConnectionState state, Envelope envelope) {
		if (connection.initiatedLocally() || state.edge != null) {
			throw new ProtocolException("unexpected HELLO");
		}
		Handshake hello = readHandshake(envelope);
		// the edge exists before the peer learns that the handshake succeeded
		register(connection, state, hello, helloEnvelope(EnvelopeKind.HELLO_ACK));
	}

	void onHelloAck(Connection connection, ConnectionState state, Envelope envelope) {
		if (!connection.initiatedLocally() || state.edge != null) {
			throw new ProtocolException("unexpected HELLO_ACK");
		}
		register(connection, state, readHandshake(envelope), null);
	}

	private Handshake readHandshake(Envelope envelope) {
		Handshake hello = ControlPayloads.readHandshake(envelope.payload());
		if (hello.nodeId().equals(this.node.id())) {
			throw new ProtocolException("connected to itself");
		}
		return hello;
	}

	private Envelope helloEnvelope(EnvelopeKind kind) {
		Handshake hello = this.node.handshake();
		return Envelope.control(kind, this.node.id(), this.node.nextMessageId(), ControlPayloads.write(hello));
	}

	/**
	 * Makes a handshaken connection the edge to its peer. When both nodes connected at once, both keep the
	 * connection opened by the node with the smaller id and close the other, so they agree without talking.
	 */
	private void register(Connection connection, ConnectionState state, Handshake hello, Envelope ack) {
		synchronized (this.registry) { // against a close: either this sees the connection gone, or it sees the edge
			if (this.registry.state(connection) != state) {
				// the connection closed while its handshake was being read: an edge made now would never be removed
				return;
			}
			connection.handshakeCompleted();
			Edge existing = this.registry.edge(hello.nodeId());
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

	private void addEdge(Connection connection, ConnectionState state, Handshake hello, Envelope ack) {
		Edge edge = new Edge(hello, connection, this.node.settings(), this.node.stats(), this.node.name());
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

	private void resolveDuplicate(Edge existing, Connection connection, ConnectionState state, Handshake hello,
			Envelope ack) {
		if (ack != null) {
			this.sender.send(connection, ack);
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

	private boolean preferNew(Connection current, Connection candidate, UUID peer) {
		if (!current.isOpen()) {
			return true;
		}
		UUID self = this.node.id();
		UUID currentOpener = current.initiatedLocally() ? self : peer;
		UUID candidateOpener = candidate.initiatedLocally() ? self : peer;
		if (currentOpener.equals(candidateOpener)) {
			return false;
		}
		UUID smaller = (self.compareTo(peer) < 0) ? self : peer;
		return candidateOpener.equals(smaller);
	}

	/**
	 * Closes a duplicate connection; its edge lives on over the other one. The close waits a moment so the
	 * peer reads our handshake on it and resolves the duplicate itself, instead of taking the close for a
	 * lost edge.
	 */
	private void retire(Connection duplicate) {
		ConnectionState state = this.registry.state(duplicate);
		if (state != null) {
			state.duplicate = true;
		}
		this.timer.schedule(duplicate::close, DUPLICATE_CLOSE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
	}

}
