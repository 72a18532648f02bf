package io.chaski.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.ChaskiSubscription;
import io.chaski.streamer.DeliveryPolicy;
import io.chaski.streamer.StreamerSettings;
import io.chaski.testing.SlowReader;
import io.chaski.testing.TestNodes;
import io.chaski.wire.DefaultPayloadCodec;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.chaski.testing.TestNodes.awaitKnowsTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes that end up with two connections while a backlog is in flight (a dial race: docs/protocol.md 4.2)
 * move their traffic to the kept connection without losing or reordering a message. The second connection is made
 * the way it happens between Boot apps: one node dials the other under an address other than the one that node
 * advertises (a seed's address, say), so the dialler does not recognise the peer it is linked to already.
 */
class ConnectionHandoverTest {

	private static final String TOPIC = "handover";

	private static final int MESSAGES = 40_000;

	/** Large enough that the sockets hold a few thousand messages when the reader falls behind. */
	private static final int PAYLOAD = 1_000;

	private static final int CAPACITY = 1_000;

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	/**
	 * The node with the smaller id switches to the connection it opened itself (the dial-race rule), the other
	 * follows; either may be the publisher. The old connection is full of messages the slow reader has not read.
	 */
	@ParameterizedTest(name = "the node that switches is the {0}")
	@ValueSource(strings = { "consumer", "publisher" })
	void aConnectionSwitchWithABacklogInFlightLosesNothingAndKeepsTheOrder(String switching) throws Exception {
		ChaskiNode first = this.nodes.start(node("first"));
		ChaskiNode second = this.nodes.start(node("second"));
		ChaskiNode smaller = (first.id().compareTo(second.id()) < 0) ? first : second;
		ChaskiNode larger = (smaller == first) ? second : first;
		ChaskiNode consumer = switching.equals("consumer") ? smaller : larger;
		ChaskiNode publisher = (consumer == smaller) ? larger : smaller;

		ChaskiStreamer atConsumer = new ChaskiStreamer(consumer, new StreamerSettings(16, 65_536, 100,
				Duration.ofSeconds(60), CAPACITY, DeliveryPolicy.WAIT, Duration.ofSeconds(30)), new DefaultPayloadCodec());
		try (atConsumer) {
			ChaskiSubscription<byte[]> subscription = atConsumer.subscribe(TOPIC, byte[].class);
			// the larger node dials first: the smaller one's own dial then wins the race (it switches to it)
			dial(larger, smaller).get(10, TimeUnit.SECONDS);
			awaitKnowsTopic(publisher, consumer, TOPIC);

			SlowReader reader = SlowReader.start(subscription, MESSAGES, 20_000, true);
			ChaskiStreamer atPublisher = this.nodes.streamer(publisher);
			CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < MESSAGES; i++) {
					atPublisher.publish(TOPIC, SlowReader.payload(i, PAYLOAD));
				}
			});
			// the reader is behind by more than its buffer and the publisher's queue hold: the sockets carry a backlog
			await().atMost(TestNodes.SETTLE).until(
					() -> atPublisher.stats().published() - reader.received() > 2 * CAPACITY + 200 && reader.received() > 100);
			dial(smaller, larger).get(10, TimeUnit.SECONDS);

			publishing.get(60, TimeUnit.SECONDS);
			assertThat(reader.await(Duration.ofSeconds(60))).as("order").isNull();
			assertThat(reader.received()).isEqualTo(MESSAGES);
			assertThat(atConsumer.stats().duplicates()).isZero();
			assertThat(subscription.droppedCount()).isZero();
			assertThat(publisher.stats().dropped()).isZero();
			// the two nodes settled on one connection, the one the smaller node opened
			await().atMost(TestNodes.SETTLE).until(() -> smaller.peer(larger.id()).orElseThrow().initiatedLocally()
					&& !larger.peer(smaller.id()).orElseThrow().initiatedLocally());
		}
	}

	/** Dials a node's real address: each advertises another one, so a second dial makes a second connection. */
	private static CompletableFuture<PeerInfo> dial(ChaskiNode from, ChaskiNode to) {
		return from.connect("127.0.0.1", to.address().port());
	}

	private ChaskiNode.Builder node(String name) {
		// production keep-alive: a link slowed down by its reader must not look dead
		return this.nodes.builder(name)
			.advertisedHost("127.0.0.2")
			.outboundQueueCapacity(CAPACITY)
			.keepAliveInterval(Duration.ofSeconds(5));
	}

}
