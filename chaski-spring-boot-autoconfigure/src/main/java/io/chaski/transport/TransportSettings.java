package io.chaski.transport;

import java.time.Duration;

/**
 * How a node's TCP transport binds and connects, and its bounds.
 *
 * @param bindHost the address to listen on ({@code 0.0.0.0}, {@code ::}, {@code 127.0.0.1}, ...)
 * @param port the port to listen on; 0 picks a free one
 * @param maxFrameBytes the largest frame accepted or sent; bigger frames close the connection
 * @param handshakeMaxFrameBytes the largest frame accepted before {@link Connection#handshakeCompleted()}
 * @param mode NIO or blocking sockets
 * @param connectTimeout how long an outgoing connect may take
 * @param listenBacklog the listen backlog of the server socket
 * @param maxThreads most I/O threads at once; a blocking connection needs one for its whole life, so a
 * connection that finds none free is closed at once
 */
public record TransportSettings(String bindHost, int port, int maxFrameBytes, int handshakeMaxFrameBytes,
		TransportMode mode, Duration connectTimeout, int listenBacklog, int maxThreads) {

	/** Validates the components; see the record description. */
	public TransportSettings {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("port must be 0..65535 but was " + port);
		}
		if (maxFrameBytes < 1024) {
			throw new IllegalArgumentException("maxFrameBytes must be at least 1024 but was " + maxFrameBytes);
		}
		if (handshakeMaxFrameBytes < 1024 || handshakeMaxFrameBytes > maxFrameBytes) {
			throw new IllegalArgumentException(
					"handshakeMaxFrameBytes must be 1024..maxFrameBytes but was " + handshakeMaxFrameBytes);
		}
		if (listenBacklog < 1 || maxThreads < 2) {
			throw new IllegalArgumentException("listenBacklog must be at least 1 and maxThreads at least 2");
		}
	}

}
