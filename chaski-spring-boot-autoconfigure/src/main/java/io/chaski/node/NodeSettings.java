package io.chaski.node;

import java.time.Duration;
import java.util.Set;

import io.chaski.security.ClusterSecret;
import io.chaski.transport.TransportMode;

/**
 * Every setting of a node, validated once. Built by {@link ChaskiNode.Builder}.
 *
 * @param name node name shown to peers
 * @param bindHost address to listen on
 * @param port port to listen on, 0 for any free port
 * @param advertisedHost host peers should use to reach this node; {@code null} derives it from the bind host
 * @param subscriptions topics this node subscribes to from the start
 * @param root whether this node relays every topic
 * @param maxFrameBytes largest frame sent or accepted
 * @param batchFrameBytes frame size at which the writer stops batching and sends
 * @param transportMode NIO or blocking sockets
 * @param connectTimeout limit for opening a TCP connection
 * @param handshakeTimeout limit for the handshake after the TCP connection opened
 * @param keepAliveInterval time between keep-alive pings; zero disables them
 * @param maxMissedPings unanswered keep-alive pings after which a peer is closed
 * @param pingTimeout limit for an explicit ping
 * @param reconnectAttempts reconnection attempts after a lost connection; 0 disables reconnection
 * @param reconnectInitialBackoff delay before the first reconnection attempt (doubles each time)
 * @param reconnectMaxBackoff longest delay between reconnection attempts
 * @param idleTimeout close edges that no topic (with membership: no pairing choice) needs after this long
 * without messages; zero disables
 * @param outboundQueueCapacity messages queued per peer before the overflow policy applies
 * @param overflowPolicy what a full outbound queue does
 * @param sendTimeout how long {@link OverflowPolicy#WAIT} waits for queue space
 * @param shutdownTimeout how long {@code stop()} waits to flush queued messages before saying goodbye
 * @param maxPeers most peers (handshaken connections) at once; further handshakes are refused
 * @param maxPendingConnections most connections awaiting their handshake at once; the oldest is closed to make
 * room for a new one
 * @param listenBacklog the listen backlog of the server socket
 * @param handshakeMaxFrameBytes largest frame accepted before a connection's handshake is complete
 * @param clusterSecret shared secret peers prove in the handshake; {@code null} admits any peer
 * @param protectedMode whether start refuses a non-loopback bind without a cluster secret
 * @param maxConnections most members this node links to per topic when membership pairs it (links others open
 * to it are not counted)
 */
public record NodeSettings(String name, String bindHost, int port, String advertisedHost, Set<String> subscriptions,
		boolean root, int maxFrameBytes, int batchFrameBytes, TransportMode transportMode, Duration connectTimeout,
		Duration handshakeTimeout, Duration keepAliveInterval, int maxMissedPings, Duration pingTimeout,
		int reconnectAttempts, Duration reconnectInitialBackoff, Duration reconnectMaxBackoff, Duration idleTimeout,
		int outboundQueueCapacity, OverflowPolicy overflowPolicy, Duration sendTimeout, Duration shutdownTimeout,
		int maxPeers, int maxPendingConnections, int listenBacklog, int handshakeMaxFrameBytes, ClusterSecret clusterSecret,
		boolean protectedMode, int maxConnections) {

	/** Validates the components; see the record description. */
	public NodeSettings {
		subscriptions = Set.copyOf(subscriptions);
		require(name != null && !name.isBlank(), "name must not be blank");
		require(bindHost != null && !bindHost.isBlank(), "bindHost must not be blank");
		require(port >= 0 && port <= 65535, "port must be 0..65535 but was " + port);
		require(maxFrameBytes >= 1024, "maxFrameBytes must be at least 1024 but was " + maxFrameBytes);
		require(batchFrameBytes >= 256 && batchFrameBytes <= maxFrameBytes,
				"batchFrameBytes must be 256..maxFrameBytes but was " + batchFrameBytes);
		require(maxMissedPings >= 1, "maxMissedPings must be at least 1 but was " + maxMissedPings);
		require(reconnectAttempts >= 0, "reconnectAttempts must not be negative");
		require(outboundQueueCapacity >= 1, "outboundQueueCapacity must be at least 1");
		requirePositive(connectTimeout, "connectTimeout");
		requirePositive(handshakeTimeout, "handshakeTimeout");
		requirePositive(pingTimeout, "pingTimeout");
		requirePositive(reconnectInitialBackoff, "reconnectInitialBackoff");
		requirePositive(sendTimeout, "sendTimeout");
		require(reconnectMaxBackoff.compareTo(reconnectInitialBackoff) >= 0,
				"reconnectMaxBackoff must not be shorter than reconnectInitialBackoff");
		require(!keepAliveInterval.isNegative() && !idleTimeout.isNegative() && !shutdownTimeout.isNegative(),
				"durations must not be negative");
		require(overflowPolicy != null && transportMode != null, "overflowPolicy and transportMode are required");
		require(maxPeers >= 1, "maxPeers must be at least 1 but was " + maxPeers);
		require(maxPendingConnections >= 1, "maxPendingConnections must be at least 1 but was " + maxPendingConnections);
		require(listenBacklog >= 1, "listenBacklog must be at least 1 but was " + listenBacklog);
		require(handshakeMaxFrameBytes >= 1024 && handshakeMaxFrameBytes <= maxFrameBytes,
				"handshakeMaxFrameBytes must be 1024..maxFrameBytes but was " + handshakeMaxFrameBytes);
		require(maxConnections >= 1, "maxConnections must be at least 1 but was " + maxConnections);
	}

	/** @return whether a cluster secret is set (peers must prove it in the handshake) */
	public boolean authenticated() {
		return this.clusterSecret != null;
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

	private static void requirePositive(Duration duration, String what) {
		require(duration != null && !duration.isNegative() && !duration.isZero(), what + " must be positive");
	}

}
