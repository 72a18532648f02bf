package io.chaski.node;

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

	ConnectionState(Connection connection) {
		this.connection = connection;
	}

}
