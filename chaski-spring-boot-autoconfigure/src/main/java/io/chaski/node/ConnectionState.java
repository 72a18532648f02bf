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

	/** The frame being read carried data (read and written by the connection's reader only). */
	boolean dataInFrame;

	ConnectionState(Connection connection) {
		this.connection = connection;
	}

}
