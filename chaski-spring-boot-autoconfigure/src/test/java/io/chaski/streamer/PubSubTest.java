package io.chaski.streamer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import io.chaski.node.ChaskiNode;
import io.chaski.testing.RawPeer;
import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static io.chaski.testing.Receive.nothing;
import static io.chaski.testing.Receive.payloads;
import static io.chaski.testing.TestNodes.awaitKnowsTopic;
import static io.chaski.testing.TestNodes.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Topic messages over real nodes: order, multi-hop flooding, root relays, duplicates, hop limits, topics.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TransportMode.class)
class PubSubTest {

	private static final String TOPIC = "prices";

	private static final List<String> SIX = IntStream.rangeClosed(1, 6).mapToObj(i -> "m" + i).toList();

	private static final Duration QUIET = Duration.ofMillis(300);

	@RegisterExtension
	final TestNodes nodes;

	PubSubTest(TransportMode mode) {
		this.nodes = new TestNodes("127.0.0.1", mode);
	}

	@Test
	void sixMessagesArriveInOrder() {
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode b = this.nodes.start("b");
		ChaskiSubscription<String> sub = this.nodes.streamer(b).subscribe(TOPIC, String.class);
		connect(a, b);
		awaitKnowsTopic(a, b, TOPIC);
		SIX.forEach(text -> this.nodes.streamer(a).publish(TOPIC, text));
		assertThat(payloads(sub, 6)).containsExactlyElementsOf(SIX);
		nothing(sub, QUIET);
	}

	@Test
	void aBlankTopicIsRefusedEvenRightAfterAGoodOne() {
		ChaskiStreamer streamer = this.nodes.streamer(this.nodes.start("a"));
		ChaskiSubscription<String> sub = streamer.subscribe(TOPIC, String.class);
		streamer.publish(TOPIC, "first");
		assertThatThrownBy(() -> streamer.publish(" ", "blank")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> streamer.publish(null, "none")).isInstanceOf(IllegalArgumentException.class);
		streamer.publish(TOPIC, "second");
		assertThat(payloads(sub, 2)).containsExactly("first", "second");
	}

	@Test
	void sixMessagesCrossAChainOfSixNodesInOrder() {
		List<ChaskiNode> chain = IntStream.range(0, 6).mapToObj(i -> this.nodes.start("n" + i, TOPIC)).toList();
		List<ChaskiSubscription<String>> subs = chain.stream()
			.map(node -> this.nodes.streamer(node).<String>subscribe(TOPIC, String.class)).toList();
		for (int i = 0; i + 1 < chain.size(); i++) {
			connect(chain.get(i), chain.get(i + 1));
		}
		SIX.forEach(text -> this.nodes.streamer(chain.get(0)).publish(TOPIC, text));
		for (ChaskiSubscription<String> sub : subs) {
			assertThat(payloads(sub, 6)).containsExactlyElementsOf(SIX); // the publisher's own too
		}
		nothing(subs.get(5), QUIET);
		// five hops: the far end saw each message exactly once, relayed by n1..n4
		assertThat(this.nodes.streamer(chain.get(5)).stats().received()).isEqualTo(6);
		assertThat(this.nodes.streamer(chain.get(2)).stats().relayed()).isEqualTo(6);
		// and the other way round
		SIX.forEach(text -> this.nodes.streamer(chain.get(5)).publish(TOPIC, "back-" + text));
		assertThat(payloads(subs.get(0), 6)).containsExactlyElementsOf(SIX.stream().map(t -> "back-" + t).toList());
	}

	@Test
	void thousandsOfMessagesStayInOrderPerSenderOverEveryHop() {
		ChaskiNode a = this.nodes.start("a", TOPIC);
		ChaskiNode b = this.nodes.start("b", TOPIC);
		ChaskiNode c = this.nodes.start("c", TOPIC);
		ChaskiSubscription<String> atB = this.nodes.streamer(b).subscribe(TOPIC, String.class);
		ChaskiSubscription<String> atC = this.nodes.streamer(c).subscribe(TOPIC, String.class);
		connect(a, b);
		connect(b, c);
		int count = 5_000; // below the subscription capacity: nothing may be dropped
		List<String> sent = IntStream.range(0, count).mapToObj(i -> "m" + i).toList();
		sent.forEach(text -> this.nodes.streamer(a).publish(TOPIC, text));
		assertThat(payloads(atB, count)).containsExactlyElementsOf(sent);
		assertThat(payloads(atC, count)).containsExactlyElementsOf(sent);
	}

	@Test
	void aRootNodeRelaysBetweenSubscribersThatAreNotConnected() {
		ChaskiNode left = this.nodes.start("left", TOPIC);
		ChaskiNode right = this.nodes.start("right", TOPIC);
		ChaskiNode root = this.nodes.start(this.nodes.builder("root").root(true));
		ChaskiSubscription<String> sub = this.nodes.streamer(right).subscribe(TOPIC, String.class);
		ChaskiSubscription<Object> atRoot = this.nodes.streamer(root).subscribeAll(String.class);
		this.nodes.streamer(left);
		connect(left, root);
		connect(right, root);
		assertThat(left.peer(root.id()).orElseThrow().root()).isTrue();
		SIX.forEach(text -> this.nodes.streamer(left).publish(TOPIC, text));
		assertThat(payloads(sub, 6)).containsExactlyElementsOf(SIX);
		assertThat(payloads(atRoot, 6)).containsExactlyElementsOf(SIX);
		assertThat(this.nodes.streamer(root).stats().relayed()).isEqualTo(6);
	}

	@Test
	void aNodeThatIsNeitherSubscribedNorRootDoesNotRelay() {
		ChaskiNode left = this.nodes.start("left", TOPIC);
		ChaskiNode middle = this.nodes.start("middle", "other");
		ChaskiNode right = this.nodes.start("right", TOPIC);
		ChaskiSubscription<String> sub = this.nodes.streamer(right).subscribe(TOPIC, String.class);
		ChaskiSubscription<Object> atMiddle = this.nodes.streamer(middle).subscribeAll(String.class);
		List<String> seenAtMiddle = new CopyOnWriteArrayList<>();
		this.nodes.streamer(middle).addObserver(new StreamerObserver() {
			@Override
			public void dropped(String topic, String reason) {
				seenAtMiddle.add(topic + ":" + reason);
			}
		});
		connect(left, middle);
		connect(middle, right);
		this.nodes.streamer(left).publish(TOPIC, "hello");
		nothing(sub, QUIET);
		nothing(atMiddle, Duration.ZERO);
		// left does not even send it: middle does not take part in the topic
		assertThat(this.nodes.streamer(middle).stats().received()).isZero();
		assertThat(seenAtMiddle).isEmpty();
	}

	@Test
	void aNodeNotSubscribedToATopicReceivesNothingOfIt() {
		ChaskiNode publisher = this.nodes.start("pub");
		ChaskiNode interested = this.nodes.start("yes");
		ChaskiNode other = this.nodes.start("no");
		ChaskiSubscription<String> wanted = this.nodes.streamer(interested).subscribe(TOPIC, String.class);
		ChaskiSubscription<String> unrelated = this.nodes.streamer(other).subscribe("weather", String.class);
		ChaskiSubscription<Object> everything = this.nodes.streamer(other).subscribeAll(Object.class);
		connect(interested, publisher);
		connect(other, publisher);
		awaitKnowsTopic(publisher, interested, TOPIC);
		awaitKnowsTopic(publisher, other, "weather");
		try (RawPeer raw = RawPeer.connect(publisher)) {
			raw.handshake("raw-weather", List.of("weather"));
			SIX.forEach(text -> this.nodes.streamer(publisher).publish(TOPIC, text));
			assertThat(payloads(wanted, 6)).containsExactlyElementsOf(SIX);
			nothing(unrelated, QUIET);
			nothing(everything, Duration.ZERO);
			// on the wire: the publisher never sends the topic to a peer that does not take part in it
			this.nodes.streamer(publisher).publish("weather", "sunny");
			Envelope first = raw.next(EnvelopeKind.PUBLISH, Duration.ofSeconds(5));
			assertThat(first).isNotNull();
			assertThat(first.topic()).isEqualTo("weather");
		}
	}

	@Test
	void aDuplicateArrivingOverTwoPathsIsDeliveredOnce() {
		ChaskiNode a = this.nodes.start("a", TOPIC);
		ChaskiNode b = this.nodes.start("b", TOPIC);
		ChaskiNode c = this.nodes.start("c", TOPIC);
		ChaskiSubscription<String> atB = this.nodes.streamer(b).subscribe(TOPIC, String.class);
		ChaskiSubscription<String> atC = this.nodes.streamer(c).subscribe(TOPIC, String.class);
		connect(a, b);
		connect(b, c);
		connect(c, a);
		SIX.forEach(text -> this.nodes.streamer(a).publish(TOPIC, text));
		// two paths of different speed: each message exactly once, but not necessarily in order (protocol.md 6)
		assertThat(payloads(atB, 6)).containsExactlyInAnyOrderElementsOf(SIX);
		assertThat(payloads(atC, 6)).containsExactlyInAnyOrderElementsOf(SIX);
		nothing(atB, QUIET);
		nothing(atC, Duration.ZERO);
		// every message reached b or c (or both) a second time over the other path, and was dropped there
		await().atMost(TestNodes.SETTLE).until(() -> this.nodes.streamer(b).stats().duplicates()
				+ this.nodes.streamer(c).stats().duplicates() >= 6);
		assertThat(this.nodes.streamer(b).stats().duplicates() + this.nodes.streamer(c).stats().duplicates())
			.isLessThanOrEqualTo(12);
	}

	@Test
	void theSameEnvelopeSentTwiceByAPeerIsDeliveredOnce() {
		ChaskiNode node = this.nodes.start("node");
		ChaskiSubscription<String> sub = this.nodes.streamer(node).subscribe(TOPIC, String.class);
		try (RawPeer raw = RawPeer.connect(node)) {
			raw.handshake("raw", List.of(TOPIC));
			Envelope once = raw.publish(TOPIC, 1, 4, "only once");
			raw.send(once, once); // twice in one frame
			raw.send(once); // and again in another
			raw.send(raw.publish(TOPIC, 2, 4, "next"));
			assertThat(payloads(sub, 2)).containsExactly("only once", "next");
			nothing(sub, QUIET);
			assertThat(this.nodes.streamer(node).stats().duplicates()).isEqualTo(2);
		}
	}

	@Test
	void aMessageWithOneHopLeftReachesTheFirstHopOnly() {
		ChaskiNode a = this.nodes.start("a", TOPIC);
		ChaskiNode b = this.nodes.start("b", TOPIC);
		ChaskiNode c = this.nodes.start("c", TOPIC);
		ChaskiSubscription<String> atB = this.nodes.streamer(b).subscribe(TOPIC, String.class);
		ChaskiSubscription<String> atC = this.nodes.streamer(c).subscribe(TOPIC, String.class);
		connect(a, b);
		connect(b, c);
		this.nodes.streamer(a).publish(TOPIC, "one hop", 1);
		assertThat(payloads(atB, 1)).containsExactly("one hop");
		nothing(atC, QUIET);
		// the same path does carry two hops
		this.nodes.streamer(a).publish(TOPIC, "two hops", 2);
		assertThat(payloads(atB, 1)).containsExactly("two hops");
		assertThat(payloads(atC, 1)).containsExactly("two hops");
	}

	@Test
	void hopsLeftIsCheckedAtEveryHopForRelayedMessages() {
		ChaskiNode b = this.nodes.start("b", TOPIC);
		ChaskiNode c = this.nodes.start("c", TOPIC);
		ChaskiSubscription<String> atB = this.nodes.streamer(b).subscribe(TOPIC, String.class);
		ChaskiSubscription<String> atC = this.nodes.streamer(c).subscribe(TOPIC, String.class);
		connect(b, c);
		try (RawPeer raw = RawPeer.connect(b)) {
			raw.handshake("raw", List.of(TOPIC));
			raw.send(raw.publish(TOPIC, 1, 1, "last hop"), raw.publish(TOPIC, 2, 2, "one more"));
			assertThat(payloads(atB, 2)).containsExactly("last hop", "one more");
			assertThat(payloads(atC, 1)).containsExactly("one more");
			nothing(atC, QUIET);
			// nothing is echoed back to the sender
			assertThat(raw.next(EnvelopeKind.PUBLISH, Duration.ZERO.plusMillis(100))).isNull();
		}
	}

}
