package io.chaski.node;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.chaski.transport.Connection;
import io.chaski.wire.FrameDecoder;

/** What the node knows about one connection before and after its handshake. */
final class ConnectionState {

	final Connection connection;

	final FrameDecoder decoder = new FrameDecoder();

	final long openedNanos = System.nanoTime();

	volatile Edge edge;

	volatile boolean duplicate;

	volatile CompletableFuture<PeerInfo> handshakeDone;

	/** This side's nonce for the authenticated handshake on this connection; {@code null} without a secret. */
	volatile byte[] nonce;

	/** The acceptor's copy of a HELLO whose sender has yet to prove the secret with AUTH. */
	volatile Handshake awaitingAuth;

	/** The handshake was refused: the connection closes, nothing more from it is a handshake. */
	volatile boolean refused;

	/** SUBSCRIPTIONS that arrived while this connection was a duplicate; they apply if it takes over the edge. */
	volatile Set<String> heldSubscriptions;

	/** This node sent HANDOVER on it (or it failed): nothing more of this node's comes on it. */
	volatile boolean handoverSent;

	/** The peer sent HANDOVER on it: nothing more of the peer's comes on it. */
	volatile boolean handoverReceived;

	/** The peer's traffic (not only its handshake) came on it: it is in use, not a duplicate to close unasked. */
	volatile boolean carriedTraffic;

	/** The frame being read carried data (read and written by the connection's reader only). */
	boolean dataInFrame;

	ConnectionState(Connection connection) {
		this.connection = connection;
	}

}
