package io.chaski.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.chaski.node.ChaskiNode;
import io.chaski.node.PeerInfo;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.transport.TransportMode;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.awaitility.Awaitility;

import static org.awaitility.Awaitility.await;

/**
 * Starts nodes with fast test settings on ephemeral loopback ports and stops every one of them after each
 * test. Register with {@code @RegisterExtension final TestNodes nodes = new TestNodes();}.
 */
public final class TestNodes implements AfterEachCallback {

	/** How long a test waits for the mesh to settle. */
	public static final Duration SETTLE = Duration.ofSeconds(10);

	static {
		// tests wait on conditions that flip within milliseconds on loopback
		Awaitility.setDefaultPollInterval(Duration.ofMillis(10));
	}

	private final List<ChaskiNode> started = Collections.synchronizedList(new ArrayList<>());

	private final Map<ChaskiNode, ChaskiStreamer> streamers = Collections.synchronizedMap(new IdentityHashMap<>());

	private volatile String host;

	private volatile TransportMode mode;

	/** Nodes on 127.0.0.1 with the transport users get by default, so that tests run on what ships. */
	public TestNodes() {
		this("127.0.0.1", null);
	}

	/**
	 * @param host the loopback address to bind (127.0.0.1 or ::1)
	 * @param mode the transport mode; {@code null} for the product default
	 */
	public TestNodes(String host, TransportMode mode) {
		this.host = host;
		this.mode = mode;
	}

	/**
	 * Makes the nodes built from now on in this test bind another address or use another transport mode.
	 * @param host 127.0.0.1 or ::1
	 * @param mode the transport mode; {@code null} for the product default
	 * @return this fixture
	 */
	public TestNodes use(String host, TransportMode mode) {
		this.host = host;
		this.mode = mode;
		return this;
	}

	/**
	 * @param name node name
	 * @return a builder with short timeouts suitable for tests; port 0
	 */
	public ChaskiNode.Builder builder(String name) {
		ChaskiNode.Builder builder = ChaskiNode.builder();
		if (this.mode != null) {
			builder.transportMode(this.mode);
		}
		return builder.name(name)
			.bindHost(this.host)
			.port(0)
			// short enough for tests about timeouts to finish soon, long enough for a busy 2-core machine
			.connectTimeout(Duration.ofSeconds(5))
			.handshakeTimeout(Duration.ofSeconds(5))
			.keepAliveInterval(Duration.ofMillis(500))
			.pingTimeout(Duration.ofSeconds(3))
			.reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
			.shutdownTimeout(Duration.ofSeconds(1));
	}

	/**
	 * @param builder a builder (typically from {@link #builder(String)})
	 * @return the started node, stopped after the test
	 */
	public ChaskiNode start(ChaskiNode.Builder builder) {
		ChaskiNode node = builder.build();
		this.started.add(node);
		return node.start();
	}

	/**
	 * @param name node name
	 * @param topics topics it subscribes to from the start
	 * @return the started node
	 */
	public ChaskiNode start(String name, String... topics) {
		return start(builder(name).subscriptions(topics));
	}

	/**
	 * @param count how many
	 * @param prefix name prefix (names are prefix0, prefix1, ...)
	 * @return started nodes
	 */
	public List<ChaskiNode> startMany(int count, String prefix) {
		List<ChaskiNode> list = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			list.add(start(prefix + i));
		}
		return list;
	}

	/**
	 * @param node a node started here
	 * @return its streamer (one per node), closed after the test
	 */
	public ChaskiStreamer streamer(ChaskiNode node) {
		return this.streamers.computeIfAbsent(node, ChaskiStreamer::new);
	}

	/**
	 * A loopback port that was free a moment ago, for a node that must start later on a port known in advance
	 * (a seed that comes up after the node that dials it).
	 * @return the port
	 */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Connects {@code from} to {@code to} and waits until both sides list each other.
	 * @param from the node that dials
	 * @param to the node dialled
	 * @return what {@code from} knows of {@code to}
	 */
	public static PeerInfo connect(ChaskiNode from, ChaskiNode to) {
		PeerInfo peer;
		try {
			peer = from.connect(to.address().hostAndPort()).get(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError(from.name() + " could not connect to " + to.name() + ": " + ex, ex);
		}
		awaitLinked(from, to);
		return peer;
	}

	/**
	 * Waits until both nodes list each other as peers.
	 * @param a one node
	 * @param b another node
	 */
	public static void awaitLinked(ChaskiNode a, ChaskiNode b) {
		await("link " + a.name() + " <-> " + b.name()).atMost(SETTLE)
			.until(() -> a.peer(b.id()).isPresent() && b.peer(a.id()).isPresent());
	}

	/**
	 * Waits until {@code node} knows that {@code peer} takes part in {@code topic}.
	 * @param node the node that will send
	 * @param peer the peer that subscribed
	 * @param topic the topic
	 */
	public static void awaitKnowsTopic(ChaskiNode node, ChaskiNode peer, String topic) {
		await(node.name() + " knows " + peer.name() + " takes '" + topic + "'").atMost(SETTLE)
			.until(() -> node.peer(peer.id()).map(p -> p.root() || p.subscriptions().contains(topic)).orElse(false));
	}

	/**
	 * @param node a node
	 * @param count the number of peers it should end up with
	 */
	public static void awaitPeerCount(ChaskiNode node, int count) {
		await(node.name() + " has " + count + " peers").atMost(SETTLE).until(() -> node.peers().size() == count);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		List<ChaskiStreamer> toClose;
		synchronized (this.streamers) {
			toClose = new ArrayList<>(this.streamers.values());
			this.streamers.clear();
		}
		toClose.forEach(ChaskiStreamer::close);
		List<ChaskiNode> nodes;
		synchronized (this.started) {
			nodes = new ArrayList<>(this.started);
			this.started.clear();
		}
		// stop in parallel: each stop flushes and waits for its I/O threads
		nodes.parallelStream().forEach(ChaskiNode::stop);
	}

}
