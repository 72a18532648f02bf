package io.chaski.node;

/**
 * Told when peers come and go. Called on I/O threads: keep it short.
 */
public interface NodeListener {

	/**
	 * An edge was established (after the handshake).
	 * @param peer the new peer
	 */
	default void peerConnected(PeerInfo peer) {
	}

	/**
	 * An edge closed.
	 * @param peer the peer as it was last seen
	 * @param graceful whether the peer said goodbye (or this node closed it on purpose)
	 */
	default void peerDisconnected(PeerInfo peer, boolean graceful) {
	}

}
