package io.chaski.node;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.chaski.transport.TcpTransport;

/**
 * Dials peers: returns the edge if the node is connected to that address already, joins a dial to it that is
 * under way, or opens a connection and starts the handshake, all within the connect plus handshake timeout.
 */
final class Dialer {

	private final NodeSettings settings;

	private final TcpTransport transport;

	private final EdgeRegistry registry;

	private final Handshaker handshaker;

	private final Map<String, CompletableFuture<PeerInfo>> connectsInFlight = new ConcurrentHashMap<>();

	Dialer(NodeSettings settings, TcpTransport transport, EdgeRegistry registry, Handshaker handshaker) {
		this.settings = settings;
		this.transport = transport;
		this.registry = registry;
		this.handshaker = handshaker;
	}

	/**
	 * @param host host name or IP
	 * @param port its port
	 * @return the peer once the handshake is done
	 */
	CompletableFuture<PeerInfo> connect(String host, int port) {
		String key = addressKey(host, port);
		Optional<Edge> existing = this.registry.edges().stream()
			.filter(edge -> addressKey(edge.info().address().host(), edge.info().address().port()).equals(key))
			.findFirst();
		if (existing.isPresent()) {
			return CompletableFuture.completedFuture(existing.get().info());
		}
		CompletableFuture<PeerInfo> result = new CompletableFuture<>();
		CompletableFuture<PeerInfo> underWay = this.connectsInFlight.putIfAbsent(key, result);
		if (underWay != null) {
			return underWay;
		}
		// dial only once the attempt is registered: a refusal can complete it at once, and its clean-up must
		// find it in the map (inside computeIfAbsent it could not, and the failure stayed there for good)
		dial(host, port, key, result);
		return result;
	}

	private void dial(String host, int port, String key, CompletableFuture<PeerInfo> result) {
		this.transport.connect(host, port).whenComplete((connection, failure) -> {
			if (failure != null) {
				result.completeExceptionally(failure.getCause() != null ? failure.getCause() : failure);
				return;
			}
			ConnectionState state = this.registry.state(connection);
			if (state == null) {
				result.completeExceptionally(new IllegalStateException("connection to " + key + " closed"));
				return;
			}
			this.handshaker.sendHello(connection, state, result);
		});
		long limit = this.settings.connectTimeout().plus(this.settings.handshakeTimeout()).toMillis();
		result.orTimeout(limit, TimeUnit.MILLISECONDS)
			.whenComplete((peer, failure) -> this.connectsInFlight.remove(key, result));
	}

	/** The same peer may be named by host name or by address: compare resolved addresses. */
	private static String addressKey(String host, int port) {
		try {
			return InetAddress.getByName(host).getHostAddress() + "/" + port;
		}
		catch (UnknownHostException ex) {
			return host + "/" + port;
		}
	}

}
