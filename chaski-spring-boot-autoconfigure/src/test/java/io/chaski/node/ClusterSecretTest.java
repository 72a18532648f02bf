package io.chaski.node;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import io.chaski.security.ClusterSecret;
import io.chaski.security.HandshakeProof;
import io.chaski.streamer.ChaskiSubscription;
import io.chaski.testing.LogCapture;
import io.chaski.testing.RawPeer;
import io.chaski.testing.TestNodes;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.chaski.testing.Receive.nothing;
import static io.chaski.testing.Receive.payloads;
import static io.chaski.testing.TestNodes.awaitKnowsTopic;
import static io.chaski.testing.TestNodes.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The authenticated handshake (docs/protocol.md 4.1) over real sockets: members with the secret join, anyone
 * else is refused, counted and named in the log, and a recorded handshake is worthless on a new connection.
 */
class ClusterSecretTest {

	private static final String SECRET = "correct horse battery staple";

	private static final String OTHER_SECRET = "another secret of the right length";

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@RegisterExtension
	final LogCapture logs = new LogCapture();

	@Test
	void nodesWithTheSameSecretJoinAndMessagesFlow() {
		ChaskiNode a = this.nodes.start(this.nodes.builder("a").clusterSecret(SECRET));
		ChaskiNode b = this.nodes.start(this.nodes.builder("b").clusterSecret(SECRET));
		ChaskiSubscription<String> sub = this.nodes.streamer(b).subscribe("t", String.class);
		connect(a, b);
		awaitKnowsTopic(a, b, "t");
		this.nodes.streamer(a).publish("t", "hello");
		assertThat(payloads(sub, 1)).containsExactly("hello");
		assertThat(a.stats().authenticationFailures() + b.stats().authenticationFailures()).isZero();
		assertThat(this.logs.messages(Level.TRACE)).noneMatch(line -> line.contains(SECRET));
	}

	@Test
	void aWrongSecretIsRefusedOnBothSidesAndCounted() {
		ChaskiNode a = this.nodes.start(this.nodes.builder("a").clusterSecret(SECRET));
		ChaskiNode b = this.nodes.start(this.nodes.builder("b").clusterSecret(OTHER_SECRET));
		assertRefused(a.connect(b.address().hostAndPort()));
		// the dialler finds the acceptor's proof wrong; its empty AUTH tells the acceptor, which refuses too
		await().atMost(TestNodes.SETTLE)
			.until(() -> a.stats().authenticationFailures() == 1 && b.stats().authenticationFailures() == 1);
		assertThat(a.peers()).isEmpty();
		assertThat(b.peers()).isEmpty();
		assertThat(this.logs.messages(Level.WARN))
			.filteredOn(line -> line.contains(Handshaker.WRONG_PROOF)).hasSize(2);
	}

	@Test
	void aMissingSecretIsRefusedInBothDirections() {
		ChaskiNode secured = this.nodes.start(this.nodes.builder("secured").clusterSecret(SECRET));
		ChaskiNode open = this.nodes.start("open");
		assertRefused(secured.connect(open.address().hostAndPort()));
		assertRefused(open.connect(secured.address().hostAndPort()));
		await().atMost(TestNodes.SETTLE)
			.until(() -> secured.stats().authenticationFailures() == 2 && open.stats().authenticationFailures() == 2);
		assertThat(secured.peers()).isEmpty();
		assertThat(open.peers()).isEmpty();
		assertThat(this.logs.hasWarning("Node secured refuses open")).isTrue();
		assertThat(this.logs.hasWarning("Node open refuses secured")).isTrue();
		assertThat(this.logs.hasWarning("the peer requires a cluster secret and this node has none")).isTrue();
		assertThat(this.logs.hasWarning("this node requires a cluster secret and the peer has none")).isTrue();
	}

	@Test
	void aPeerThatProvesTheSecretIsRegisteredOnlyAfterItsAuth() {
		ChaskiNode node = this.nodes.start(this.nodes.builder("node").clusterSecret(SECRET));
		try (RawPeer raw = RawPeer.connect(node)) {
			raw.sendHello(raw.helloPayload("raw", List.of("x"), HandshakeProof.newNonce()));
			Envelope ack = raw.awaitHelloAck();
			assertThat(RawPeer.field(ack, "nonce")).hasSize(HandshakeProof.BYTES);
			assertThat(RawPeer.field(ack, "proof")).hasSize(HandshakeProof.BYTES);
			assertThat(node.peer(raw.id())).isEmpty();
		}
		try (RawPeer raw = RawPeer.connect(node)) {
			raw.authenticatedHandshake("raw", List.of("x"), ClusterSecret.of(SECRET));
			await().atMost(TestNodes.SETTLE).until(() -> node.peer(raw.id()).isPresent());
			raw.send(Envelope.control(EnvelopeKind.PING, raw.id(), 50, new byte[0]));
			assertThat(raw.next(EnvelopeKind.PONG, Duration.ofSeconds(5))).isNotNull();
		}
	}

	@Test
	void envelopesBeforeAuthAreNeverRead() {
		ChaskiNode node = this.nodes.start(this.nodes.builder("node").clusterSecret(SECRET).subscriptions("t"));
		ChaskiSubscription<String> sub = this.nodes.streamer(node).subscribe("t", String.class);
		try (RawPeer raw = RawPeer.connect(node)) {
			raw.sendHello(raw.helloPayload("raw", List.of("t"), HandshakeProof.newNonce()));
			raw.awaitHelloAck();
			// a wrong proof and a message behind it in the same frame: the message must not be delivered
			raw.send(Envelope.control(EnvelopeKind.AUTH, raw.id(), raw.nextId(), new byte[HandshakeProof.BYTES]),
					raw.publish("t", raw.nextId(), 4, "forged"));
			assertThat(raw.awaitClosedByNode(TestNodes.SETTLE)).isTrue();
		}
		nothing(sub, Duration.ofMillis(300));
		assertThat(node.stats().authenticationFailures()).isEqualTo(1);
		assertThat(node.peers()).isEmpty();
	}

	@Test
	void aReplayedHandshakeIsRefused() {
		ChaskiNode node = this.nodes.start(this.nodes.builder("node").clusterSecret(SECRET));
		byte[] recorded;
		byte[] firstNonce;
		UUID member;
		try (RawPeer raw = RawPeer.connect(node)) {
			Envelope ack = raw.authenticatedHandshake("member", List.of(), ClusterSecret.of(SECRET));
			await().atMost(TestNodes.SETTLE).until(() -> node.peer(raw.id()).isPresent());
			recorded = raw.sentBytes();
			firstNonce = RawPeer.field(ack, "nonce");
			member = raw.id();
		}
		await().atMost(TestNodes.SETTLE).until(() -> node.peers().isEmpty());
		try (RawPeer replay = RawPeer.connectAs(node, member)) {
			replay.sendBytes(recorded); // the same HELLO and AUTH, byte for byte
			Envelope ack = replay.awaitHelloAck();
			assertThat(RawPeer.field(ack, "nonce")).isNotEqualTo(firstNonce);
			assertThat(replay.awaitClosedByNode(TestNodes.SETTLE)).isTrue();
		}
		assertThat(node.peers()).isEmpty();
		assertThat(node.stats().authenticationFailures()).isEqualTo(1);
		assertThat(this.logs.hasWarning(Handshaker.WRONG_PROOF)).isTrue();
	}

	private static void assertRefused(CompletableFuture<PeerInfo> connect) {
		assertThatThrownBy(() -> connect.get(TestNodes.SETTLE.toMillis(), TimeUnit.MILLISECONDS))
			.isInstanceOf(ExecutionException.class);
	}

}
