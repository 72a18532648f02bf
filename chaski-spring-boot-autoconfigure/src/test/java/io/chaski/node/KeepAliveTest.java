package io.chaski.node;

import java.time.Duration;
import java.util.List;

import io.chaski.streamer.ChaskiStreamer;
import io.chaski.testing.LogCapture;
import io.chaski.testing.RawPeer;
import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static io.chaski.testing.TestNodes.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keep-alive pings find peers that went silent; idle edges without a shared topic are closed.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TransportMode.class)
class KeepAliveTest {

	@RegisterExtension
	final TestNodes nodes;

	KeepAliveTest(TransportMode mode) {
		this.nodes = new TestNodes("127.0.0.1", mode);
	}

	@RegisterExtension
	final LogCapture logs = new LogCapture();

	@Test
	void aPeerThatStopsAnsweringPingsIsClosed() {
		ChaskiNode node = this.nodes.start(this.nodes.builder("node").keepAliveInterval(Duration.ofMillis(100))
			.maxMissedPings(2));
		try (RawPeer raw = RawPeer.connect(node)) {
			raw.handshake("mute", List.of());
			// answer a few pings: the edge stays, and the node learns the latency
			for (int answered = 0; answered < 4; answered++) {
				Envelope ping = raw.next(EnvelopeKind.PING, TestNodes.SETTLE);
				assertThat(ping).as("keep-alive ping").isNotNull();
				raw.send(new Envelope(EnvelopeKind.PONG, raw.id(), ping.id(), 1, ping.timestamp(), "", null,
						ping.payload()));
			}
			await("the latency measured").atMost(TestNodes.SETTLE)
				.until(() -> node.peer(raw.id()).orElseThrow().latencyMillis() > 0);
			PeerInfo peer = node.peer(raw.id()).orElseThrow();
			assertThat(peer.latencyMillis()).isPositive();
			// then go silent: the node gives up after two unanswered pings
			long silentSince = System.nanoTime();
			assertThat(raw.awaitClosedByNode(TestNodes.SETTLE)).isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - silentSince)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
		}
		await().atMost(TestNodes.SETTLE).until(() -> node.peers().isEmpty());
		assertThat(this.logs.hasWarning("mute@127.0.0.1:9 missed 2 pings in a row; closing the connection")).isTrue();
	}

	@Test
	void pingsMeasureLatencyBetweenNodes() {
		ChaskiNode a = this.nodes.start(this.nodes.builder("a").keepAliveInterval(Duration.ofMillis(100)));
		ChaskiNode b = this.nodes.start("b");
		connect(a, b);
		await().atMost(TestNodes.SETTLE).until(() -> a.peer(b.id()).orElseThrow().latencyMillis() > 0);
		PeerInfo peer = a.peer(b.id()).orElseThrow();
		// a measurement, not garbage: no answered ping took longer than the test waits
		assertThat(peer.latencyMillis()).isLessThan(TestNodes.SETTLE.toMillis());
		assertThat(peer.jitterMillis()).isNotNegative();
	}

	@Test
	void idleEdgesThatShareNoTopicAreClosedButTopicLinksStay() {
		ChaskiNode a = this.nodes.start(this.nodes.builder("a").subscriptions("x").idleTimeout(Duration.ofMillis(300)));
		ChaskiNode stranger = this.nodes.start("stranger", "y");
		ChaskiNode friend = this.nodes.start("friend", "x");
		connect(a, stranger);
		connect(a, friend);
		await().atMost(TestNodes.SETTLE).until(() -> a.peer(stranger.id()).isEmpty());
		await().atMost(TestNodes.SETTLE).until(() -> stranger.peers().isEmpty());
		assertThat(this.logs.messages(ch.qos.logback.classic.Level.INFO))
			.anyMatch(line -> line.contains("Node a closes idle edge stranger@"));
		// the edge that shares topic x stays, idle or not, and the stranger is not redialled
		await().during(Duration.ofMillis(600)).atMost(TestNodes.SETTLE)
			.until(() -> a.peer(friend.id()).isPresent() && a.peer(stranger.id()).isEmpty());
		assertThat(a.stats().reconnects()).isZero();
	}

	@Test
	void aLinkThatOnlyCarriesOutgoingMessagesIsNotIdle() {
		// a pure publisher subscribes to nothing and receives no data: what it sends is traffic too
		// publishing every 50 ms against a 1 s idle timeout: a busy machine may delay a publish, not by a second
		ChaskiNode publisher = this.nodes.start(this.nodes.builder("publisher").idleTimeout(Duration.ofSeconds(1)));
		ChaskiNode subscriber = this.nodes.start(this.nodes.builder("subscriber").subscriptions("x")
			.idleTimeout(Duration.ofSeconds(1)));
		connect(publisher, subscriber);
		ChaskiStreamer streamer = this.nodes.streamer(publisher);
		await().during(Duration.ofMillis(3000)).atMost(TestNodes.SETTLE).pollInterval(Duration.ofMillis(50))
			.until(() -> {
				streamer.publish("x", "reading");
				return publisher.peer(subscriber.id()).isPresent();
			});
		// once it stops publishing, the link is idle and shares no topic on the publisher's side
		await().atMost(TestNodes.SETTLE).until(() -> publisher.peer(subscriber.id()).isEmpty());
	}

}
