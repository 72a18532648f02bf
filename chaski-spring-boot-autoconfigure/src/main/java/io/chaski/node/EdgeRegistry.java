package io.chaski.node;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.chaski.transport.Connection;

/**
 * The node's open connections (handshaken or not) and the edges they carry, at most one per peer. Handshake
 * registration holds this registry's monitor while it decides, so a connection that closes meanwhile is either
 * seen gone by the registration or has its edge seen by the close. Incoming connections awaiting their
 * handshake are also kept in arrival order, so the oldest can make room when too many wait.
 */
final class EdgeRegistry {

	private final Map<String, ConnectionState> connections = new ConcurrentHashMap<>();

	private final Map<UUID, Edge> edges = new ConcurrentHashMap<>();

	/** The edges again, as an immutable list replaced on every change: routing iterates it per message. */
	private volatile List<Edge> edgeList = List.of();

	/**
	 * Incoming connections without an edge yet, oldest first; guarded by its own monitor, not the registry's,
	 * which a handshake holds while it writes: the accept loop must never wait for a peer.
	 */
	private final Deque<ConnectionState> pending = new ArrayDeque<>();

	private final int maxPending;

	/** @param maxPending most incoming connections awaiting their handshake at once */
	EdgeRegistry(int maxPending) {
		this.maxPending = maxPending;
	}

	/**
	 * Registers a new connection.
	 * @return the oldest incoming connection still awaiting its handshake if there are now more than allowed
	 * (the caller closes it), else {@code null}
	 */
	Connection opened(Connection connection) {
		ConnectionState state = new ConnectionState(connection);
		this.connections.put(connection.id(), state);
		if (connection.initiatedLocally()) {
			return null; // dialled by this node: bounded by what it dials, and never the stranger to make room for
		}
		synchronized (this.pending) {
			this.pending.addLast(state);
			if (this.pending.size() <= this.maxPending) {
				return null;
			}
			// a handshake takes milliseconds: those completed since the last count leave the queue now
			this.pending.removeIf(waiting -> waiting.edge != null);
			return (this.pending.size() > this.maxPending) ? this.pending.pollFirst().connection : null;
		}
	}

	/** @return the connection's state, {@code null} once it closed */
	ConnectionState state(Connection connection) {
		return this.connections.get(connection.id());
	}

	/**
	 * Forgets a closed connection; synchronized against the handshake's registration, so either it sees the
	 * connection gone, or the caller sees the connection's edge.
	 * @return the closed connection's state, {@code null} if it was forgotten already
	 */
	synchronized ConnectionState closed(Connection connection) {
		ConnectionState state = this.connections.remove(connection.id());
		if (state != null && !connection.initiatedLocally()) {
			synchronized (this.pending) {
				this.pending.remove(state);
			}
		}
		return state;
	}

	Collection<ConnectionState> connections() {
		return this.connections.values();
	}

	/** @return the edge to a peer, {@code null} if there is none */
	Edge edge(UUID nodeId) {
		return this.edges.get(nodeId);
	}

	/** @return the live edges (a concurrent view) */
	Collection<Edge> edges() {
		return this.edges.values();
	}

	/** @return the live edges as an immutable snapshot, cheap to iterate */
	List<Edge> snapshot() {
		return this.edgeList;
	}

	int size() {
		return this.edges.size();
	}

	/** Adds the first edge to a peer. */
	synchronized void add(Edge edge) {
		this.edges.put(edge.nodeId(), edge);
		this.edgeList = List.copyOf(this.edges.values());
	}

	/** @return whether the edge was still registered (so exactly one caller goes on to close it) */
	synchronized boolean remove(Edge edge) {
		if (!this.edges.remove(edge.nodeId(), edge)) {
			return false;
		}
		this.edgeList = List.copyOf(this.edges.values());
		return true;
	}

}
