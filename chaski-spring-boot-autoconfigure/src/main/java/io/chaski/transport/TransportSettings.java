package io.chaski.transport;

import java.time.Duration;

/**
 * How a node's TCP transport binds and connects.
 *
 * @param bindHost the address to listen on ({@code 0.0.0.0}, {@code ::}, {@code 127.0.0.1}, ...)
 * @param port the port to listen on; 0 picks a free one
 * @param maxFrameBytes the largest frame accepted or sent; bigger frames close the connection
 * @param mode NIO or blocking sockets
 * @param connectTimeout how long an outgoing connect may take
 */
public record TransportSettings(String bindHost, int port, int maxFrameBytes, TransportMode mode,
		Duration connectTimeout) {

	/** Validates the components; see the record description. */
	public TransportSettings {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("port must be 0..65535 but was " + port);
		}
		if (maxFrameBytes < 1024) {
			throw new IllegalArgumentException("maxFrameBytes must be at least 1024 but was " + maxFrameBytes);
		}
	}

}
