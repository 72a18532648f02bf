package io.chaski.streamer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.chaski.node.ChaskiNode;
import io.chaski.node.ChaskiOverflowException;
import io.chaski.node.PeerInfo;
import io.chaski.testing.RawPeer;
import io.chaski.testing.SlowReader;
import io.chaski.testing.TestNodes;
import io.chaski.wire.DefaultPayloadCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.chaski.testing.Receive.payloads;
import static io.chaski.testing.TestNodes.awaitKnowsTopic;
import static io.chaski.testing.TestNodes.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Lossless delivery on a healthy mesh: a reader slower than its publisher slows the publisher down, through
 * relays, with every buffer in between bounded; the drop policies drop (counted) and never hold the publisher up;
 * a publish that cannot be queued everywhere fails and delivers nothing.
 */
class BackPressureTest {

	private static final String TOPIC = "flow";

	private static final int MESSAGES = 100_000;

	private static final int CAPACITY = 1_000;

	/** Large enough that the sockets' buffers hold a small part of the stream. */
	private static final int PAYLOAD = 1_000;

	private static final long READER_NANOS = 10_000;

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@Test
	void aSlowSubscriberAtTheEndOfAChainGetsEveryMessageInOrderAndSlowsThePublisherDown() throws Exception {
		ChaskiNode a = this.nodes.start(node("a"));
		ChaskiNode b = this.nodes.start(node("b").subscriptions(TOPIC)); // a relay with no reader of its own
		ChaskiNode c = this.nodes.start(node("c"));
		this.nodes.streamer(b);
		ChaskiStreamer atC = streamer(c, DeliveryPolicy.WAIT);
		ChaskiSubscription<byte[]> subscription = atC.subscribe(TOPIC, byte[].class);
		connect(a, b);
		connect(b, c);
		awaitKnowsTopic(a, b, TOPIC);
		awaitKnowsTopic(b, c, TOPIC);

		SlowReader reader = SlowReader.start(subscription, MESSAGES, READER_NANOS, true);
		ChaskiStreamer publisher = this.nodes.streamer(a);
		long maxLead = 0;
		long start = System.nanoTime();
		for (int i = 0; i < MESSAGES; i++) {
			publisher.publish(TOPIC, SlowReader.payload(i, PAYLOAD));
			if (i % 500 == 0) {
				maxLead = Math.max(maxLead, i - reader.received());
				assertBounded(subscription, a, b, c);
			}
		}
		long published = System.nanoTime() - start;
		assertThat(reader.await(Duration.ofSeconds(60))).as("order").isNull();
		long read = System.nanoTime() - start;
		System.out.printf("chain: publish %d ms, read %d ms, max lead %d%n", published / 1_000_000, read / 1_000_000,
				maxLead);
		assertThat(reader.received()).isEqualTo(MESSAGES);
		// the publisher ran ahead only by what the queues and the sockets hold (~10 MB of loopback buffers here),
		// not by the whole stream: it went at the reader's pace
		assertThat(maxLead).isLessThan(MESSAGES * 3L / 10);
		assertThat(subscription.droppedCount()).isZero();
		assertThat(a.stats().dropped() + b.stats().dropped() + c.stats().dropped()).isZero();
		assertThat(a.peers()).extracting(PeerInfo::name).containsExactly("b");
	}

	@Test
	void underDropOldestTheSubscriberDropsCountedAndThePublisherNeverWaits() throws Exception {
		ChaskiNode a = this.nodes.start(node("a"));
		ChaskiNode b = this.nodes.start(node("b"));
		ChaskiStreamer atB = streamer(b, DeliveryPolicy.WAIT);
		Map<String, LongAdder> drops = new ConcurrentHashMap<>();
		atB.addObserver(new StreamerObserver() {
			@Override
			public void dropped(String topic, String reason) {
				drops.computeIfAbsent(reason, r -> new LongAdder()).increment();
			}
		});
		ChaskiSubscription<byte[]> subscription = atB.subscribe(TOPIC, byte[].class, DeliveryPolicy.DROP_OLDEST);
		connect(a, b);
		awaitKnowsTopic(a, b, TOPIC);

		// the reader does not read at all while the publisher runs: under WAIT the publisher would stop once the
		// queues and sockets hold ~10 MB (less than the 13 MB sent), and fail after the send timeout; under
		// DROP_OLDEST it never notices
		ChaskiStreamer publisher = this.nodes.streamer(a);
		for (int i = 0; i < MESSAGES; i++) {
			publisher.publish(TOPIC, SlowReader.payload(i, 100));
			if (i % 500 == 0) {
				assertBounded(subscription, a, b);
			}
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> subscription.droppedCount() == MESSAGES - CAPACITY);
		SlowReader reader = SlowReader.start(subscription, CAPACITY, READER_NANOS, false);
		assertThat(reader.await(Duration.ofSeconds(30))).as("order").isNull();
		assertThat(reader.received()).isEqualTo(CAPACITY);
		assertThat(reader.lastSequence()).as("the newest survive, in order").isEqualTo(MESSAGES - 1);
		assertThat(drops).containsOnlyKeys("subscriber-drop-oldest");
		assertThat(drops.get("subscriber-drop-oldest").sum()).isEqualTo(MESSAGES - CAPACITY);
		assertThat(atB.stats().subscriberDrops()).isEqualTo(MESSAGES - CAPACITY);
		assertThat(a.stats().dropped()).as("nothing refused on the way").isZero();
	}

	@Test
	void aListenerBlockedLongerThanTheSendTimeoutFailsPublishAndLosesNothingAcceptedForTheOthers()
			throws Exception {
		ChaskiNode a = this.nodes.start(node("a").sendTimeout(Duration.ofMillis(500)));
		ChaskiNode b = this.nodes.start(node("b"));
		ChaskiStreamer atB = new ChaskiStreamer(b, new StreamerSettings(16, 65_536, 100, Duration.ofSeconds(60),
				CAPACITY, DeliveryPolicy.WAIT, Duration.ofSeconds(3)), new DefaultPayloadCodec());
		ChaskiSubscription<byte[]> blocked = atB.subscribe(TOPIC, byte[].class); // never read until the end
		ChaskiSubscription<byte[]> other = atB.subscribe(TOPIC, byte[].class);
		connect(a, b);
		awaitKnowsTopic(a, b, TOPIC);
		SlowReader reader = SlowReader.start(other, Long.MAX_VALUE, 0, true);

		ChaskiStreamer publisher = this.nodes.streamer(a);
		// large messages fill the sockets' buffers quickly
		byte[] padding = new byte[4 * 1024];
		assertThatThrownBy(() -> {
			for (long i = 0; i < 50_000; i++) {
				byte[] payload = padding.clone();
				System.arraycopy(SlowReader.payload(i, 8), 0, payload, 0, 8);
				publisher.publish(TOPIC, payload);
			}
		}).isInstanceOf(ChaskiOverflowException.class).hasMessageContaining("stayed full for PT0.5S");
		assertThat(a.stats().dropped()).as("one refusal: the failed publish").isEqualTo(1);

		// b gives up on the blocked subscription after its delivery timeout; the other one gets everything
		// whose publish returned, in order, and nothing else
		long lastAccepted = this.nodes.streamer(a).stats().published() - 1;
		await().atMost(Duration.ofSeconds(30)).until(() -> reader.lastSequence() == lastAccepted);
		assertThat(other.droppedCount()).isZero();
		assertThat(reader.await(Duration.ofMillis(300))).isNull();
		assertThat(reader.lastSequence()).as("the refused message went nowhere").isEqualTo(lastAccepted);
		assertThat(blocked.droppedCount()).isPositive();
		assertThat(blocked.backlog()).isLessThanOrEqualTo(CAPACITY);
	}

	@Test
	void aPublishRefusedByOnePeerReachesNoPeerAndNoLocalSubscriber() throws Exception {
		ChaskiNode a = this.nodes.start(node("a").sendTimeout(Duration.ofMillis(300)).outboundQueueCapacity(16)
			.keepAliveInterval(Duration.ZERO));
		ChaskiNode fast = this.nodes.start(node("fast").keepAliveInterval(Duration.ZERO));
		ChaskiSubscription<byte[]> atFast = this.nodes.streamer(fast).subscribe(TOPIC, byte[].class);
		ChaskiSubscription<byte[]> local = this.nodes.streamer(a).subscribe(TOPIC, byte[].class);
		connect(a, fast);
		awaitKnowsTopic(a, fast, TOPIC);
		byte[] padding = new byte[16 * 1024];
		try (RawPeer stalled = RawPeer.connect(a, 4096)) {
			stalled.handshake("stalled", List.of(TOPIC)); // and then it reads nothing
			await().atMost(Duration.ofSeconds(5)).until(() -> a.peer(stalled.id()).isPresent());
			List<Long> returned = new ArrayList<>();
			assertThatThrownBy(() -> {
				for (long i = 0; i < 100_000; i++) {
					byte[] payload = padding.clone();
					System.arraycopy(SlowReader.payload(i, 8), 0, payload, 0, 8);
					this.nodes.streamer(a).publish(TOPIC, payload);
					returned.add(i);
				}
			}).isInstanceOf(ChaskiOverflowException.class);
			assertThat(returned).isNotEmpty();
			assertThat(payloads(atFast, returned.size())).extracting(SlowReader::sequenceOf)
				.containsExactlyElementsOf(returned);
			assertThat(payloads(local, returned.size())).extracting(SlowReader::sequenceOf)
				.containsExactlyElementsOf(returned);
			assertThat(local.poll(Duration.ofMillis(300))).as("the refused message is not delivered locally").isNull();
			assertThat(atFast.poll(Duration.ofMillis(300))).as("nor to the peer that had room").isNull();
		}
	}

	private void assertBounded(ChaskiSubscription<?> subscription, ChaskiNode... nodes) {
		assertThat(subscription.backlog()).isLessThanOrEqualTo(CAPACITY);
		for (ChaskiNode node : nodes) {
			assertThat(node.peers()).allSatisfy(peer -> assertThat(peer.queuedMessages()).isLessThanOrEqualTo(CAPACITY));
		}
	}

	private ChaskiNode.Builder node(String name) {
		// production keep-alive: a link slowed down by its reader must not look dead
		return this.nodes.builder(name).outboundQueueCapacity(CAPACITY).keepAliveInterval(Duration.ofSeconds(5));
	}

	private ChaskiStreamer streamer(ChaskiNode node, DeliveryPolicy policy) {
		return new ChaskiStreamer(node, new StreamerSettings(16, 65_536, 100, Duration.ofSeconds(60), CAPACITY, policy,
				Duration.ofSeconds(10)), new DefaultPayloadCodec());
	}

}
