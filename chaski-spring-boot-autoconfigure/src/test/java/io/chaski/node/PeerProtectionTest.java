package io.chaski.node;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.chaski.security.HandshakeProof;
import io.chaski.streamer.ChaskiSubscription;
import io.chaski.testing.LogCapture;
import io.chaski.testing.RawPeer;
import io.chaski.testing.TestNodes;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.chaski.testing.Receive.payloads;
import static io.chaski.testing.TestNodes.awaitKnowsTopic;
import static io.chaski.testing.TestNodes.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a stranger on the port cannot do: take over a connected peer's identity, forge log lines through the
 * strings of its handshake, or grow the node past its peer limit.
 */
class PeerProtectionTest {

	private static final String SECRET = "correct horse battery staple";

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@RegisterExtension
	final LogCapture logs = new LogCapture();

	/**
	 * The impostor claims the id of the node with the smaller id (S) at the larger one (L), whose live connection
	 * L opened, or the larger id at S: either way a duplicate the real peer does not use, closed after the
	 * handshake timeout; with a secret it cannot finish the handshake at all.
	 */
	@ParameterizedTest(name = "claims the {0} id, secret {1}")
	@CsvSource({ "smaller,false", "larger,false", "smaller,true", "larger,true" })
	void aClaimOnAConnectedIdDoesNotDisplaceTheLivePeer(String claimed, boolean withSecret) {
		ChaskiNode first = this.nodes.start(builder("first", withSecret));
		ChaskiNode second = this.nodes.start(builder("second", withSecret));
		ChaskiNode smaller = (first.id().compareTo(second.id()) < 0) ? first : second;
		ChaskiNode larger = (smaller == first) ? second : first;
		ChaskiNode victim = claimed.equals("smaller") ? smaller : larger; // whose id is claimed
		ChaskiNode attacked = (victim == smaller) ? larger : smaller;
		ChaskiSubscription<String> received = this.nodes.streamer(victim).subscribe("t", String.class);
		connect(larger, smaller);
		awaitKnowsTopic(attacked, victim, "t");
		PeerInfo before = attacked.peer(victim.id()).orElseThrow();

		try (RawPeer impostor = RawPeer.connectAs(attacked, victim.id())) {
			Envelope noTopics = Envelope.control(EnvelopeKind.SUBSCRIPTIONS, victim.id(), impostor.nextId(),
					"[]".getBytes(StandardCharsets.UTF_8));
			if (withSecret) {
				impostor.sendHello(impostor.helloPayload("impostor", List.of(), HandshakeProof.newNonce()));
				impostor.awaitHelloAck();
				// one frame: the node closes the connection on the wrong proof
				impostor.send(Envelope.control(EnvelopeKind.AUTH, victim.id(), impostor.nextId(),
						new byte[HandshakeProof.BYTES]), noTopics);
			}
			else {
				impostor.handshake("impostor", List.of());
				impostor.send(noTopics);
			}
			assertThat(impostor.awaitClosedByNode(Duration.ofSeconds(10))).isTrue();
		}

		PeerInfo after = attacked.peer(victim.id()).orElseThrow();
		assertThat(after.name()).isEqualTo(victim.name());
		assertThat(after.subscriptions()).containsExactly("t");
		assertThat(after.initiatedLocally()).isEqualTo(before.initiatedLocally());
		this.nodes.streamer(attacked).publish("t", "still here");
		assertThat(payloads(received, 1)).containsExactly("still here");
		assertThat(attacked.stats().authenticationFailures()).isEqualTo(withSecret ? 1 : 0);
	}

	@Test
	void aNewlineInAHelloNameDoesNotForgeALogLine() {
		ChaskiNode open = this.nodes.start("open");
		ChaskiNode secured = this.nodes.start(this.nodes.builder("secured").clusterSecret(SECRET));
		String name = "evil\nINFO io.chaski.node.ChaskiNode - Node open connected to admin";
		try (RawPeer raw = RawPeer.connect(open)) {
			raw.handshake(name, List.of("topic\r\nforged"));
			await().atMost(TestNodes.SETTLE).until(() -> open.peer(raw.id()).isPresent());
		}
		try (RawPeer raw = RawPeer.connect(secured)) {
			raw.sendHello(raw.helloPayload(name, List.of(), null)); // refused: no proof offered
			assertThat(raw.awaitClosedByNode(TestNodes.SETTLE)).isTrue();
		}
		await().atMost(TestNodes.SETTLE).until(() -> open.peers().isEmpty());
		List<String> lines = this.logs.messages(Level.TRACE);
		assertThat(lines).noneMatch(line -> line.contains("\n") || line.contains("\r"));
		assertThat(lines).anyMatch(line -> line.startsWith("Node open connected to evil\\nINFO"));
		assertThat(lines).anyMatch(line -> line.startsWith("Node secured refuses evil\\nINFO"));
	}

	@Test
	void aHandshakeBeyondMaxPeersIsRefusedAndTheEdgesStay() throws Exception {
		ChaskiNode hub = this.nodes.start(this.nodes.builder("hub").maxPeers(2));
		ChaskiNode one = this.nodes.start("one");
		ChaskiNode two = this.nodes.start("two");
		ChaskiNode three = this.nodes.start("three");
		connect(one, hub);
		connect(two, hub);
		assertThatThrownBy(() -> three.connect(hub.address().hostAndPort()).get(10, TimeUnit.SECONDS))
			.isInstanceOf(ExecutionException.class);
		try (RawPeer raw = RawPeer.connect(hub)) {
			raw.sendHello(raw.helloPayload("raw", List.of(), null));
			assertThat(raw.awaitClosedByNode(TestNodes.SETTLE)).isTrue();
		}
		assertThat(hub.stats().peerLimitRefusals()).isEqualTo(2);
		assertThat(this.logs.hasWarning("it has its maximum of 2 peers (chaski.transport.max-peers)")).isTrue();
		assertThat(hub.peers()).extracting(PeerInfo::name).containsExactlyInAnyOrder("one", "two");
		assertThat(hub.ping(one.id(), 0).get(5, TimeUnit.SECONDS)).isPositive();
		assertThat(hub.ping(two.id(), 0).get(5, TimeUnit.SECONDS)).isPositive();
		// a freed place can be taken
		hub.disconnect(one.id());
		TestNodes.awaitPeerCount(hub, 1);
		connect(three, hub);
		assertThat(hub.peers()).extracting(PeerInfo::name).containsExactlyInAnyOrder("two", "three");
	}

	private ChaskiNode.Builder builder(String name, boolean withSecret) {
		return this.nodes.builder(name).clusterSecret(withSecret ? SECRET : null);
	}

}
