package io.chaski.autoconfigure;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import io.chaski.annotation.ChaskiListenerRegistry;
import io.chaski.annotation.ListenerContainer;
import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.DeliveryPolicy;
import io.chaski.streamer.StreamerSettings;
import io.chaski.testing.RawPeer;
import io.chaski.wire.DefaultPayloadCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code chaski.*} meters against two real nodes on loopback.
 */
class ChaskiMetricsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Test
	void metersFollowTrafficPeersAndListeners() throws Exception {
		try (ChaskiNode a = node("a"); ChaskiNode b = node("b")) {
			ChaskiStreamer sa = new ChaskiStreamer(a);
			// buffers of one message that drop: the drop counters move at once
			ChaskiStreamer sb = new ChaskiStreamer(b, new StreamerSettings(16, 1024, 100, Duration.ofMinutes(1), 1)
				.withDelivery(DeliveryPolicy.DROP_OLDEST, Duration.ofSeconds(1)), new DefaultPayloadCodec());
			ChaskiListenerRegistry listenersOfB = new ChaskiListenerRegistry(sb, 1, Duration.ofSeconds(1),
					DeliveryPolicy.DROP_OLDEST);
			MeterRegistry metersOfA = new SimpleMeterRegistry();
			MeterRegistry metersOfB = new SimpleMeterRegistry();
			new ChaskiMetrics(a, sa, new StaticListableBeanFactory().getBeanProvider(ChaskiListenerRegistry.class))
				.bindTo(metersOfA);
			new ChaskiMetrics(b, sb, new StaticListableBeanFactory(Map.of("listeners", listenersOfB))
				.getBeanProvider(ChaskiListenerRegistry.class)).bindTo(metersOfB);
			ListenerContainer failing = new ListenerContainer("failing", List.of("t"), String.class, 1, message -> {
				throw new IllegalStateException("boom");
			});
			listenersOfB.register(failing);
			listenersOfB.start();
			sb.subscribe("t", String.class); // never read: its buffer of one overflows

			a.connect(b.address().hostAndPort()).get();
			await().atMost(WAIT).until(() -> !a.peers().isEmpty() && a.peers().get(0).subscriptions().contains("t"));
			for (int i = 0; i < 3; i++) {
				sa.publish("t", "m" + i);
			}

			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(metersOfA.get("chaski.messages.published").tag("topic", "t").counter().count()).isEqualTo(3);
				assertThat(metersOfB.get("chaski.messages.received").tag("topic", "t").counter().count()).isEqualTo(3);
				assertThat(metersOfB.get("chaski.messages.dropped").tags("topic", "t", "reason", "subscriber-drop-oldest")
					.counter().count()).isPositive();
				double errors = metersOfB.get("chaski.listener.errors").tag("listener", "failing").functionCounter()
					.count();
				assertThat(errors).as("every message either failed or was dropped by the tiny buffer")
					.isPositive()
					.isEqualTo(3.0 - failing.droppedCount());
				assertThat(metersOfA.get("chaski.network.sent").functionCounter().count()).isPositive();
				assertThat(metersOfB.get("chaski.network.received").functionCounter().count()).isPositive();
				assertThat(metersOfA.get("chaski.peers").gauge().value()).isEqualTo(1);
				assertThat(metersOfA.get("chaski.peer.latency").tag("peer", "b").gauge().value()).isPositive();
				assertThat(metersOfB.get("chaski.queue.depth").tag("queue", "subscribers").gauge().value())
					.isPositive();
			});
			assertThat(metersOfA.get("chaski.queue.depth").tag("queue", "outbound").gauge().value()).isZero();

			// an id no node produces is dropped and counted
			try (RawPeer forger = RawPeer.connect(b)) {
				forger.handshake("forger", List.of("t"));
				forger.send(forger.publish("t", -1, 1, "forged"));
				await().atMost(WAIT).untilAsserted(() -> assertThat(
						metersOfB.get("chaski.message.pool.rejected").functionCounter().count()).isEqualTo(1));
			}

			a.disconnect(b.id());
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(metersOfA.find("chaski.peer.latency").gauges()).isEmpty();
				assertThat(metersOfA.get("chaski.peers").gauge().value()).isZero();
			});
			listenersOfB.stop();
		}
	}

	@Test
	void refusedConnectionsAreCounted() throws Exception {
		try (ChaskiNode node = ChaskiNode.builder().name("victim").maxPendingConnections(1).build().start();
				ChaskiStreamer streamer = new ChaskiStreamer(node)) {
			MeterRegistry meters = new SimpleMeterRegistry();
			new ChaskiMetrics(node, streamer, new StaticListableBeanFactory(Map.of())
				.getBeanProvider(ChaskiListenerRegistry.class)).bindTo(meters);
			List<Socket> silent = new ArrayList<>();
			try {
				for (int i = 0; i < 3; i++) {
					silent.add(new Socket(node.address().host(), node.address().port()));
				}
				await().atMost(WAIT).untilAsserted(() -> assertThat(
						meters.get("chaski.connections.evicted").functionCounter().count()).isEqualTo(2));
				assertThat(meters.get("chaski.connections.refused").functionCounter().count()).isZero();
				assertThat(meters.get("chaski.connections.rejected").functionCounter().count()).isZero();
			}
			finally {
				for (Socket socket : silent) {
					socket.close();
				}
			}
		}
	}

	@Test
	void refusedHandshakesAreCountedByReason() throws Exception {
		try (ChaskiNode node = ChaskiNode.builder().name("guarded").clusterSecret("the-secret-of-this-mesh").maxPeers(2)
			.build()
			.start();
				ChaskiStreamer streamer = new ChaskiStreamer(node);
				ChaskiNode member = ChaskiNode.builder().name("member").clusterSecret("the-secret-of-this-mesh").build()
					.start();
				ChaskiNode stranger = ChaskiNode.builder().name("stranger").clusterSecret("another-secret-entirely")
					.build()
					.start();
				ChaskiNode second = ChaskiNode.builder().name("second").clusterSecret("the-secret-of-this-mesh").build()
					.start();
				ChaskiNode late = ChaskiNode.builder().name("late").clusterSecret("the-secret-of-this-mesh").build()
					.start()) {
			MeterRegistry meters = new SimpleMeterRegistry();
			new ChaskiMetrics(node, streamer, new StaticListableBeanFactory(Map.of())
				.getBeanProvider(ChaskiListenerRegistry.class)).bindTo(meters);
			member.connect(node.address().hostAndPort()).get(10, TimeUnit.SECONDS);
			assertThat(stranger.connect(node.address().hostAndPort())).failsWithin(Duration.ofSeconds(10));
			second.connect(node.address().hostAndPort()).get(10, TimeUnit.SECONDS);
			assertThat(late.connect(node.address().hostAndPort())).failsWithin(Duration.ofSeconds(10));
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(meters.get("chaski.handshakes.refused").tag("reason", "authentication").functionCounter()
					.count()).isEqualTo(1);
				assertThat(meters.get("chaski.handshakes.refused").tag("reason", "peer-limit").functionCounter()
					.count()).isEqualTo(1);
			});
			assertThat(node.peers()).extracting(peer -> peer.name()).containsExactlyInAnyOrder("member", "second");
		}
	}

	private static ChaskiNode node(String name) {
		return ChaskiNode.builder().name(name).keepAliveInterval(Duration.ofMillis(100)).build().start();
	}

}
