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

	/**
	 * The handshake was refused, or the connection closed while its traffic waited for its turn: nothing more from
	 * it is read.
	 */
	volatile boolean refused;

	/** SUBSCRIPTIONS that arrived while this connection was a duplicate; they apply if it takes over the edge. */
	volatile Set<String> heldSubscriptions;

	/** This node sent HANDOVER on it (or it failed): nothing more of this node's comes on it. */
	volatile boolean handoverSent;

	/** The peer sent HANDOVER on it: nothing more of the peer's comes on it. */
	volatile boolean handoverReceived;

	/** Its reader is inside a frame (a full subscriber may hold it there): what follows in it is unread. */
	volatile boolean inFrame;

	/** When its reader last took a frame: whether the peer still sends on it. */
	volatile long lastFrameNanos = this.openedNanos;

	/** The frame being read carried data (read and written by the connection's reader only). */
	boolean dataInFrame;

	ConnectionState(Connection connection) {
		this.connection = connection;
	}

}
