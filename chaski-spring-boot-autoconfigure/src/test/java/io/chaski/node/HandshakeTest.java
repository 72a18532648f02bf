package io.chaski.node;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.chaski.testing.RawPeer;
import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.WireFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The handshake as docs/protocol.md describes it, seen from a raw socket.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TransportMode.class)
@SuppressWarnings("unchecked")
class HandshakeTest {

	@RegisterExtension
	final TestNodes nodes;

	HandshakeTest(TransportMode mode) {
		this.nodes = new TestNodes("127.0.0.1", mode);
	}

	@Test
	void theAcceptorAnswersWithItsIdentityAndRegistersThePeerFirst() {
		ChaskiNode node = this.nodes.start(this.nodes.builder("acceptor").subscriptions("a", "b").root(true));
		try (RawPeer raw = RawPeer.connect(node)) {
			Envelope ack = raw.handshake("raw", List.of("x"));
			// the edge exists by the time the ack arrives
			assertThat(node.peer(raw.id())).isPresent();
			assertThat(ack.kind()).isEqualTo(EnvelopeKind.HELLO_ACK);
			assertThat(ack.origin()).isEqualTo(node.id());
			assertThat(ack.hopsLeft()).isEqualTo(1);
			assertThat(ack.topic()).isEmpty();
			Map<String, Object> identity = JsonMapper.builder().build().readValue(ack.payload(), Map.class);
			assertThat(identity).containsEntry("protocol", WireFormat.PROTOCOL_VERSION)
				.containsEntry("nodeId", node.id().toString()).containsEntry("name", "acceptor")
				.containsEntry("host", "127.0.0.1").containsEntry("port", node.address().port())
				.containsEntry("root", true);
			assertThat((List<Object>) identity.get("subscriptions")).containsExactlyInAnyOrder("a", "b");
			PeerInfo peer = node.peer(raw.id()).orElseThrow();
			assertThat(peer.name()).isEqualTo("raw");
			assertThat(peer.subscriptions()).containsExactly("x");
			assertThat(peer.initiatedLocally()).isFalse();
		}
	}

	@Test
	void unknownHandshakeFieldsAreIgnoredAndSubscriptionChangesAreAnnounced() {
		ChaskiNode node = this.nodes.start("acceptor");
		try (RawPeer raw = RawPeer.connect(node)) {
			String hello = "{\"protocol\":1,\"nodeId\":\"" + raw.id() + "\",\"name\":\"future\",\"host\":\"h\","
					+ "\"port\":9,\"root\":false,\"subscriptions\":[],\"services\":[\"added-later\"]}";
			raw.sendHello(hello.getBytes(StandardCharsets.UTF_8));
			assertThat(raw.next(Duration.ofSeconds(5)).kind()).isEqualTo(EnvelopeKind.HELLO_ACK);
			raw.send(Envelope.control(EnvelopeKind.SUBSCRIPTIONS, raw.id(), 2, "[\"t1\",\"t2\"]".getBytes()));
			await().atMost(TestNodes.SETTLE)
				.until(() -> node.peer(raw.id()).orElseThrow().subscriptions().equals(java.util.Set.of("t1", "t2")));
			node.subscribe("news");
			Envelope announced = raw.next(EnvelopeKind.SUBSCRIPTIONS, Duration.ofSeconds(5));
			assertThat(new String(announced.payload(), StandardCharsets.UTF_8)).isEqualTo("[\"news\"]");
		}
	}

	@Test
	void aPingIsAnsweredWithAPongEchoingIdAndPayload() {
		ChaskiNode node = this.nodes.start("acceptor");
		try (RawPeer raw = RawPeer.connect(node)) {
			raw.handshake("raw", List.of());
			raw.send(Envelope.control(EnvelopeKind.PING, raw.id(), 77, new byte[] { 1, 2, 3 }));
			Envelope pong = raw.next(EnvelopeKind.PONG, Duration.ofSeconds(5));
			assertThat(pong.id()).isEqualTo(77);
			assertThat(pong.payload()).containsExactly(1, 2, 3);
			assertThat(pong.origin()).isEqualTo(node.id());
		}
	}

}
