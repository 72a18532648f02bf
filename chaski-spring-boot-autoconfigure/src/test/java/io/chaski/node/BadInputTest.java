package io.chaski.node;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.chaski.streamer.ChaskiSubscription;
import io.chaski.testing.LogCapture;
import io.chaski.testing.RawPeer;
import io.chaski.testing.Receive;
import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.WireFormat;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.chaski.testing.RawPeer.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stranger or a broken peer sends garbage over a plain socket: the node closes that connection with a clear
 * log line, keeps serving its other peers, and logs no error.
 */
class BadInputTest {

	private static final String TOPIC = "news";

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@RegisterExtension
	final LogCapture logs = new LogCapture();

	/** What the bad peer does, and a fragment of the log line that must explain the close. */
	record BadPeer(String name, Consumer<RawPeer> act, String logged) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	static List<BadPeer> badPeers() {
		List<BadPeer> all = new ArrayList<>();
		// the stream is not Chaski at all
		all.add(new BadPeer("random bytes", raw -> {
			byte[] noise = new byte[4096];
			new Random(42).nextBytes(noise);
			noise[0] = 0x17; // never 'C'
			raw.sendBytes(noise);
		}, "bad magic"));
		all.add(new BadPeer("an HTTP request (wrong magic)",
				raw -> raw.sendBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
				"bad magic 0x4745: not a Chaski peer"));
		all.add(new BadPeer("another protocol version",
				raw -> raw.sendBytes(concat(header(WireFormat.MAGIC, 9, 2), new byte[2])), "protocol version 9"));
		all.add(new BadPeer("an oversized frame", raw -> raw.sendBytes(header(WireFormat.MAGIC, 1, 100_000_000)),
				"exceeds the maximum of"));
		all.add(new BadPeer("a truncated frame", raw -> {
			raw.sendBytes(concat(header(WireFormat.MAGIC, 1, 1000), new byte[10]));
			raw.shutdownOutput();
		}, "truncated frame body"));
		// valid frames with bad envelopes inside
		all.add(new BadPeer("an unknown envelope kind", raw -> {
			byte[] frame = RawPeer.frame(Envelope.control(EnvelopeKind.PING, raw.id(), 1, null));
			frame[WireFormat.FRAME_HEADER_BYTES + 2] = 99;
			raw.sendBytes(frame);
		}, "unknown envelope kind 99"));
		all.add(new BadPeer("an envelope overrunning its frame", raw -> {
			raw.handshake("overrun", List.of()); // so that the first, intact envelope is acceptable
			byte[] frame = RawPeer.frame(Envelope.control(EnvelopeKind.PING, raw.id(), 1, null));
			frame[WireFormat.FRAME_HEADER_BYTES + 1] = 2; // claims two envelopes
			raw.sendBytes(frame);
		}, "overruns its frame"));
		all.add(new BadPeer("stray bytes after the envelopes", raw -> {
			raw.handshake("stray", List.of());
			byte[] frame = RawPeer.frame(Envelope.control(EnvelopeKind.PING, raw.id(), 1, null));
			byte[] longer = concat(frame, new byte[] { 1, 2, 3 });
			int body = longer.length - WireFormat.FRAME_HEADER_BYTES;
			System.arraycopy(header(WireFormat.MAGIC, 1, body), 0, longer, 0, WireFormat.FRAME_HEADER_BYTES);
			raw.sendBytes(longer);
		}, "3 stray bytes"));
		// the protocol is broken
		all.add(new BadPeer("a message before the handshake",
				raw -> raw.send(raw.publish(TOPIC, 1, 3, "too early")), "PUBLISH before the handshake"));
		all.add(new BadPeer("a ping before the handshake",
				raw -> raw.send(Envelope.control(EnvelopeKind.PING, raw.id(), 1, null)), "PING before the handshake"));
		all.add(new BadPeer("a HELLO_ACK to a node it dialled",
				raw -> raw.send(Envelope.control(EnvelopeKind.HELLO_ACK, raw.id(), 1, "{}".getBytes())),
				"unexpected HELLO_ACK"));
		all.add(new BadPeer("a HELLO that is not JSON", raw -> raw.sendHello("{not json".getBytes()),
				"malformed control payload"));
		all.add(new BadPeer("a HELLO of another protocol version",
				raw -> raw.sendHello(hello(raw, 2, "7000", "[\"x\"]")), "incompatible handshake"));
		all.add(new BadPeer("a HELLO without subscriptions",
				raw -> raw.sendHello(hello(raw, 1, "7000", null)), "handshake"));
		all.add(new BadPeer("a HELLO with port 0", raw -> raw.sendHello(hello(raw, 1, "0", "[]")), "handshake"));
		all.add(new BadPeer("a second HELLO after the handshake", raw -> {
			raw.handshake("twice", List.of());
			raw.sendHello(hello(raw, 1, "7000", "[]"));
		}, "unexpected HELLO"));
		all.add(new BadPeer("a null subscription list", raw -> {
			raw.handshake("nulls", List.of());
			raw.send(Envelope.control(EnvelopeKind.SUBSCRIPTIONS, raw.id(), 2, "null".getBytes()));
		}, "SUBSCRIPTIONS"));
		return all;
	}

	static Stream<Arguments> cases() {
		return badPeers().stream().flatMap(bad -> Stream.of(Arguments.of(bad, TransportMode.NIO),
				Arguments.of(bad, TransportMode.BLOCKING)));
	}

	@ParameterizedTest(name = "{0} ({1})")
	@MethodSource("cases")
	void theNodeClosesTheConnectionAndKeepsServingItsPeers(BadPeer bad, TransportMode mode) {
		this.nodes.use("127.0.0.1", mode);
		ChaskiNode node = this.nodes.start(this.nodes.builder("victim").maxFrameBytes(64 * 1024));
		ChaskiNode friend = this.nodes.start("friend");
		ChaskiSubscription<String> atFriend = this.nodes.streamer(friend).subscribe(TOPIC, String.class);
		TestNodes.connect(friend, node);
		TestNodes.awaitKnowsTopic(node, friend, TOPIC);

		try (RawPeer raw = RawPeer.connect(node)) {
			bad.act().accept(raw);
			assertThat(raw.awaitClosedByNode(Duration.ofSeconds(5))).as("the node closed the connection").isTrue();
		}
		await("a warning explaining the close").atMost(TestNodes.SETTLE)
			.untilAsserted(() -> assertThat(this.logs.messages(ch.qos.logback.classic.Level.WARN))
				.anySatisfy(line -> assertThat(line).contains(bad.logged())));
		await().atMost(TestNodes.SETTLE).until(() -> node.peers().size() == 1);
		await("the rejection counted").atMost(TestNodes.SETTLE)
			.until(() -> node.stats().rejectedConnections() == 1);

		// the node still serves its other peer, both ways
		assertThat(node.isRunning()).isTrue();
		assertThat(node.peers()).extracting(PeerInfo::name).containsExactly("friend");
		this.nodes.streamer(node).publish(TOPIC, "still here");
		assertThat(Receive.payloads(atFriend, 1)).containsExactly("still here");
		assertThat(node.ping(friend.id(), 0)).succeedsWithin(Duration.ofSeconds(5));
		// and a well-behaved newcomer is welcome
		try (RawPeer good = RawPeer.connect(node)) {
			good.handshake("newcomer", List.of(TOPIC));
			this.nodes.streamer(node).publish(TOPIC, "welcome");
			Envelope message = good.next(EnvelopeKind.PUBLISH, Duration.ofSeconds(5));
			assertThat(message).isNotNull();
			assertThat(new String(message.payload(), StandardCharsets.UTF_8)).isEqualTo("welcome");
		}
		assertThat(this.logs.errors()).as("nothing logged at ERROR").isEmpty();
	}

	private static byte[] hello(RawPeer raw, int protocol, String port, String subscriptions) {
		String json = "{\"protocol\":" + protocol + ",\"nodeId\":\"" + raw.id() + "\",\"name\":\"bad\","
				+ "\"host\":\"127.0.0.1\",\"port\":" + port + ",\"root\":false"
				+ (subscriptions != null ? ",\"subscriptions\":" + subscriptions : "") + "}";
		return json.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] out = new byte[a.length + b.length];
		System.arraycopy(a, 0, out, 0, a.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

}
