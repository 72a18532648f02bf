package io.chaski.node;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.chaski.testing.TestNodes.awaitLinked;
import static io.chaski.testing.TestNodes.awaitPeerCount;
import static io.chaski.testing.TestNodes.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who is connected to whom, over real loopback sockets, on IPv4 and IPv6 and with both transport modes.
 */
class TopologyTest {

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	static Stream<Arguments> networks() {
		return Stream.of(Arguments.of("127.0.0.1", TransportMode.NIO), Arguments.of("::1", TransportMode.NIO),
				Arguments.of("127.0.0.1", TransportMode.BLOCKING), Arguments.of("::1", TransportMode.BLOCKING));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("networks")
	void twoSeparatePairsOnlySeeTheirPartner(String host, TransportMode mode) {
		this.nodes.use(host, mode);
		List<ChaskiNode> n = this.nodes.startMany(4, "pair");
		connect(n.get(0), n.get(1));
		connect(n.get(2), n.get(3));
		assertThat(peerIds(n.get(0))).containsExactly(n.get(1).id());
		assertThat(peerIds(n.get(1))).containsExactly(n.get(0).id());
		assertThat(peerIds(n.get(2))).containsExactly(n.get(3).id());
		assertThat(peerIds(n.get(3))).containsExactly(n.get(2).id());
		PeerInfo seen = n.get(0).peer(n.get(1).id()).orElseThrow();
		assertThat(seen.name()).isEqualTo("pair1");
		assertThat(seen.address()).isEqualTo(n.get(1).address());
		assertThat(seen.initiatedLocally()).isTrue();
		assertThat(n.get(1).peer(n.get(0).id()).orElseThrow().initiatedLocally()).isFalse();
		if (host.contains(":")) {
			assertThat(n.get(0).address().hostAndPort()).startsWith("[");
		}
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("networks")
	void starOfFourLeavesAroundAHub(String host, TransportMode mode) {
		this.nodes.use(host, mode);
		ChaskiNode hub = this.nodes.start("hub");
		List<ChaskiNode> leaves = this.nodes.startMany(4, "leaf");
		leaves.forEach(leaf -> connect(leaf, hub));
		assertThat(hub.peers()).extracting(PeerInfo::name).containsExactlyInAnyOrder("leaf0", "leaf1", "leaf2", "leaf3");
		for (ChaskiNode leaf : leaves) {
			assertThat(peerIds(leaf)).containsExactly(hub.id());
		}
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("networks")
	void whenTheHubStopsEveryLeafSeesZeroPeersAtOnce(String host, TransportMode mode) {
		this.nodes.use(host, mode);
		ChaskiNode hub = this.nodes.start("hub");
		List<ChaskiNode> leaves = this.nodes.startMany(4, "leaf");
		List<Boolean> graceful = new CopyOnWriteArrayList<>();
		for (ChaskiNode leaf : leaves) {
			connect(leaf, hub);
			leaf.addListener(new NodeListener() {
				@Override
				public void peerDisconnected(PeerInfo peer, boolean wasGraceful) {
					graceful.add(wasGraceful);
				}
			});
		}
		awaitPeerCount(hub, 4);
		hub.stop();
		assertThat(hub.peers()).isEmpty();
		// a graceful stop says goodbye: every leaf learns it from the goodbye, not from a keep-alive timeout
		for (ChaskiNode leaf : leaves) {
			await().atMost(TestNodes.SETTLE).until(() -> leaf.peers().isEmpty());
		}
		assertThat(graceful).containsExactly(true, true, true, true);
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("networks")
	void closingEdgesOneByOneUpdatesBothSides(String host, TransportMode mode) {
		this.nodes.use(host, mode);
		ChaskiNode hub = this.nodes.start("hub");
		List<ChaskiNode> leaves = this.nodes.startMany(4, "leaf");
		leaves.forEach(leaf -> connect(leaf, hub));
		List<String> failures = new CopyOnWriteArrayList<>();
		for (ChaskiNode node : this.allOf(hub, leaves)) {
			node.addListener(new NodeListener() {
				@Override
				public void peerDisconnected(PeerInfo peer, boolean graceful) {
					if (!graceful) {
						failures.add(node.name() + " lost " + peer.name());
					}
				}
			});
		}
		for (int i = 0; i < leaves.size(); i++) {
			ChaskiNode leaf = leaves.get(i);
			// alternate which side closes
			boolean closed = (i % 2 == 0) ? hub.disconnect(leaf.id()) : leaf.disconnect(hub.id());
			assertThat(closed).isTrue();
			awaitPeerCount(hub, leaves.size() - i - 1);
			awaitPeerCount(leaf, 0);
			assertThat(hub.peer(leaf.id())).isEmpty();
			for (ChaskiNode other : leaves.subList(i + 1, leaves.size())) {
				assertThat(peerIds(other)).containsExactly(hub.id());
			}
		}
		assertThat(hub.disconnect(leaves.get(0).id())).isFalse();
		// both sides took it as a goodbye, so nobody reconnects
		assertThat(failures).isEmpty();
		await().during(Duration.ofMillis(300)).atMost(TestNodes.SETTLE)
			.until(() -> hub.peers().isEmpty() && leaves.stream().allMatch(leaf -> leaf.peers().isEmpty()));
	}

	private List<ChaskiNode> allOf(ChaskiNode hub, List<ChaskiNode> leaves) {
		List<ChaskiNode> all = new java.util.ArrayList<>(leaves);
		all.add(hub);
		return all;
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("networks")
	void connectingTwiceReusesTheEdge(String host, TransportMode mode) throws Exception {
		this.nodes.use(host, mode);
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode b = this.nodes.start("b");
		// two calls at once share one attempt
		CompletableFuture<PeerInfo> first = a.connect(b.address().hostAndPort());
		CompletableFuture<PeerInfo> second = a.connect(b.address().host(), b.address().port());
		assertThat(first.get(5, TimeUnit.SECONDS).nodeId()).isEqualTo(b.id());
		assertThat(second.get(5, TimeUnit.SECONDS).nodeId()).isEqualTo(b.id());
		awaitLinked(a, b);
		PeerInfo edge = a.peer(b.id()).orElseThrow();
		// later calls, in either direction, return the existing edge
		assertThat(a.connect(b.address().toString()).get(5, TimeUnit.SECONDS).connectedSince())
			.isEqualTo(edge.connectedSince());
		assertThat(b.connect(a.address().hostAndPort()).get(5, TimeUnit.SECONDS).nodeId()).isEqualTo(a.id());
		await().during(Duration.ofMillis(300)).atMost(TestNodes.SETTLE)
			.until(() -> a.peers().size() == 1 && b.peers().size() == 1);
		assertThat(a.peer(b.id()).orElseThrow().connectedSince()).isEqualTo(edge.connectedSince());
		assertThat(a.peer(b.id()).orElseThrow().initiatedLocally()).isTrue();
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("networks")
	void simultaneousConnectsFromBothSidesEndWithOneEdgeEach(String host, TransportMode mode) throws Exception {
		this.nodes.use(host, mode);
		for (int round = 0; round < 2; round++) {
			ChaskiNode a = this.nodes.start("a" + round);
			ChaskiNode b = this.nodes.start("b" + round);
			CompletableFuture<PeerInfo> ab = a.connect(b.address().hostAndPort());
			CompletableFuture<PeerInfo> ba = b.connect(a.address().hostAndPort());
			assertThat(ab.get(TestNodes.SETTLE.toMillis(), TimeUnit.MILLISECONDS).nodeId()).isEqualTo(b.id());
			assertThat(ba.get(TestNodes.SETTLE.toMillis(), TimeUnit.MILLISECONDS).nodeId()).isEqualTo(a.id());
			// the duplicate is retired after a short grace period; afterwards exactly one edge remains
			await().during(Duration.ofMillis(300)).atMost(TestNodes.SETTLE)
				.until(() -> a.peers().size() == 1 && b.peers().size() == 1);
			// both kept the same connection: exactly one of them opened it
			boolean aOpened = a.peer(b.id()).orElseThrow().initiatedLocally();
			boolean bOpened = b.peer(a.id()).orElseThrow().initiatedLocally();
			assertThat(aOpened).isNotEqualTo(bOpened);
			// the node with the smaller id opened the connection that was kept
			UUID smaller = (a.id().compareTo(b.id()) < 0) ? a.id() : b.id();
			assertThat(aOpened ? a.id() : b.id()).isEqualTo(smaller);
			// and it carries traffic both ways
			assertThat(a.ping(b.id(), 0).get(TestNodes.SETTLE.toMillis(), TimeUnit.MILLISECONDS)).isPositive();
			assertThat(b.ping(a.id(), 0).get(TestNodes.SETTLE.toMillis(), TimeUnit.MILLISECONDS)).isPositive();
		}
	}

	private static Set<UUID> peerIds(ChaskiNode node) {
		return Set.copyOf(node.peers().stream().map(PeerInfo::nodeId).toList());
	}

}
