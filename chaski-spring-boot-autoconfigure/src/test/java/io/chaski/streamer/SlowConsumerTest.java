package io.chaski.streamer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.chaski.node.ChaskiNode;
import io.chaski.node.ChaskiOverflowException;
import io.chaski.node.OverflowPolicy;
import io.chaski.node.PeerInfo;
import io.chaski.testing.RawPeer;
import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;
import io.chaski.wire.DefaultPayloadCodec;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static io.chaski.testing.Receive.payloads;
import static io.chaski.testing.TestNodes.awaitKnowsTopic;
import static io.chaski.testing.TestNodes.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Under the drop policies, a reader or a peer that does not keep up loses messages (counted) instead of
 * stalling anyone else, and the buffers in between never grow past their limits.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TransportMode.class)
class SlowConsumerTest {

	private static final String TOPIC = "ticks";

	@RegisterExtension
	final TestNodes nodes;

	SlowConsumerTest(TransportMode mode) {
		this.nodes = new TestNodes("127.0.0.1", mode);
	}

	@Test
	void aSlowSubscriptionDoesNotStallAFastOneAndStaysBounded() {
		int capacity = 1_000;
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode b = this.nodes.start("b");
		// telemetry-style: the slow reader drops the oldest instead of slowing the link down
		ChaskiStreamer streamer = new ChaskiStreamer(b, new StreamerSettings(16, 65_536, 100, Duration.ofSeconds(60),
				capacity, DeliveryPolicy.DROP_OLDEST, Duration.ofSeconds(1)), new DefaultPayloadCodec());
		try (ChaskiSubscription<String> fast = streamer.subscribe(TOPIC, String.class);
				ChaskiSubscription<String> slow = streamer.subscribe(TOPIC, String.class)) {
			connect(a, b);
			awaitKnowsTopic(a, b, TOPIC);
			List<String> received = new ArrayList<>();
			int published = 0;
			for (int batch = 0; batch < 10; batch++) {
				List<String> sent = new ArrayList<>();
				for (int i = 0; i < 500; i++) {
					sent.add("m" + published++);
				}
				sent.forEach(text -> this.nodes.streamer(a).publish(TOPIC, text));
				received.addAll(payloads(fast, sent.size()));
				assertThat(slow.backlog()).isLessThanOrEqualTo(capacity);
			}
			assertThat(received).containsExactlyElementsOf(
					java.util.stream.IntStream.range(0, published).mapToObj(i -> "m" + i).toList());
			assertThat(fast.droppedCount()).isZero();
			assertThat(slow.backlog()).isEqualTo(capacity);
			assertThat(slow.droppedCount()).isEqualTo(published - capacity);
			assertThat(streamer.stats().subscriberDrops()).isEqualTo(published - capacity);
			// the slow reader gets the newest messages, in order
			assertThat(payloads(slow, 1)).containsExactly("m" + (published - capacity));
		}
	}

	@Test
	void aStalledPeerDoesNotStallTheOthersAndItsQueueStaysBounded() {
		int capacity = 64;
		ChaskiNode publisher = this.nodes.start(this.nodes.builder("publisher").outboundQueueCapacity(capacity)
			.overflowPolicy(OverflowPolicy.DROP_OLDEST).keepAliveInterval(Duration.ZERO));
		ChaskiNode fast = this.nodes.start("fast");
		ChaskiSubscription<String> atFast = this.nodes.streamer(fast).subscribe(TOPIC, String.class);
		connect(fast, publisher);
		awaitKnowsTopic(publisher, fast, TOPIC);
		String padding = "x".repeat(4096);
		try (RawPeer stalled = RawPeer.connect(publisher, 4096)) {
			stalled.handshake("stalled", List.of(TOPIC)); // and then it reads nothing
			await().atMost(TestNodes.SETTLE).until(() -> publisher.peer(stalled.id()).isPresent());
			int published = 0;
			int batches = 0;
			// publish in batches the fast peer keeps up with, until the stalled peer's queue overflows, and more
			while (dropsTo(publisher, stalled) == 0 || batches < 10) {
				assertThat(batches).as("the stalled peer's queue never overflowed").isLessThan(2_000);
				List<String> sent = new ArrayList<>();
				for (int i = 0; i < 32; i++) {
					sent.add((published++) + padding);
				}
				sent.forEach(text -> this.nodes.streamer(publisher).publish(TOPIC, text));
				assertThat(payloads(atFast, sent.size())).containsExactlyElementsOf(sent);
				assertThat(queuedFor(publisher, stalled)).isLessThanOrEqualTo(capacity);
				if (dropsTo(publisher, stalled) > 0) {
					batches++;
				}
			}
			long dropped = dropsTo(publisher, stalled);
			assertThat(publisher.peer(fast.id()).orElseThrow().droppedMessages()).isZero();
			assertThat(publisher.stats().dropped()).isEqualTo(dropped);

			// when the stalled peer finally reads, it gets what was not dropped, in order, ending with the newest
			List<Long> ids = new ArrayList<>();
			long last = -1;
			while (ids.size() + dropped < published) {
				Envelope message = stalled.next(EnvelopeKind.PUBLISH, Duration.ofSeconds(5));
				assertThat(message).as("message %d of %d", ids.size() + dropped, published).isNotNull();
				assertThat(message.id()).isGreaterThan(last);
				last = message.id();
				ids.add(message.id());
			}
			assertThat(stalled.next(EnvelopeKind.PUBLISH, Duration.ofMillis(200))).as("nothing beyond").isNull();
			assertThat(ids.size() + dropped).isEqualTo(published);
		}
	}

	@Test
	void underFailAFullQueueMakesPublishThrowAtOnce() {
		ChaskiNode publisher = this.nodes.start(this.nodes.builder("publisher").outboundQueueCapacity(8)
			.overflowPolicy(OverflowPolicy.FAIL).keepAliveInterval(Duration.ZERO));
		String padding = "x".repeat(16 * 1024);
		try (RawPeer stalled = RawPeer.connect(publisher, 4096)) {
			stalled.handshake("stalled", List.of(TOPIC));
			await().atMost(TestNodes.SETTLE).until(() -> publisher.peer(stalled.id()).isPresent());
			long start = System.nanoTime();
			assertThatThrownBy(() -> {
				for (int i = 0; i < 100_000; i++) {
					this.nodes.streamer(publisher).publish(TOPIC, i + padding);
				}
			}).isInstanceOf(ChaskiOverflowException.class).hasMessageContaining("full outbound queue");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			assertThat(queuedFor(publisher, stalled)).isLessThanOrEqualTo(8);
			assertThat(publisher.stats().dropped()).isEqualTo(1);
		}
	}

	private static long dropsTo(ChaskiNode node, RawPeer peer) {
		return node.peer(peer.id()).map(PeerInfo::droppedMessages).orElseThrow();
	}

	private static int queuedFor(ChaskiNode node, RawPeer peer) {
		return node.peer(peer.id()).map(PeerInfo::queuedMessages).orElseThrow();
	}

}
