package io.chaski.node;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.chaski.transport.Connection;

/**
 * The node's open connections (handshaken or not) and the edges they carry, at most one per peer. Handshake
 * registration holds this registry's monitor while it decides, so a connection that closes meanwhile is either
 * seen gone by the registration or has its edge seen by the close.
 */
final class EdgeRegistry {

	private final Map<String, ConnectionState> connections = new ConcurrentHashMap<>();

	private final Map<UUID, Edge> edges = new ConcurrentHashMap<>();

	/** The edges again, as an immutable list replaced on every change: routing iterates it per message. */
	private volatile List<Edge> edgeList = List.of();

	void opened(Connection connection) {
		this.connections.put(connection.id(), new ConnectionState(connection));
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
		return this.connections.remove(connection.id());
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
