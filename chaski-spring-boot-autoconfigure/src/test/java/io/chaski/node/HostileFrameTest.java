package io.chaski.node;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.chaski.testing.FrameFuzzer;
import io.chaski.testing.HonestPeer;
import io.chaski.testing.LogCapture;
import io.chaski.testing.RawPeer;
import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.WireFormat;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Regression for the "Hardening" finding: a 56-byte frame claiming a payload of about 2^31 bytes made the node
 * try to allocate 2 GB, and the error killed the reader thread and left the socket open. Now a length or
 * count that the bytes that arrived cannot hold closes that connection, allocates nothing, and the node keeps
 * serving its other peers.
 */
class HostileFrameTest {

	private static final String TOPIC = "Hostile-Frame-Honest";

	/** Heap still in use after a GC may differ by this much before and after the attack. */
	private static final long HEAP_SLACK_BYTES = 16L << 20;

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@RegisterExtension
	final LogCapture logs = new LogCapture();

	/**
	 * A field of a small, well-formed PUBLISH frame, in the order the layout has them (see
	 * {@link FrameFuzzer#lengthFields}), set to a hostile value.
	 */
	record Hostile(String name, int field, long value) {

		static final int COUNT = 0;

		static final int TOPIC_LENGTH = 1;

		static final int HEADER_COUNT = 2;

		static final int KEY_LENGTH = 3;

		static final int VALUE_LENGTH = 4;

		static final int PAYLOAD_LENGTH = 5;

		@Override
		public String toString() {
			return this.name;
		}

	}

	static Stream<Arguments> cases() {
		List<Hostile> hostile = new ArrayList<>();
		hostile.add(new Hostile("payload length 2^31-1", Hostile.PAYLOAD_LENGTH, 0x7FFF_FFFFL));
		hostile.add(new Hostile("payload length 2^31", Hostile.PAYLOAD_LENGTH, 0x8000_0000L));
		hostile.add(new Hostile("payload length just under 2^31", Hostile.PAYLOAD_LENGTH, 0x7FFF_FFF0L));
		hostile.add(new Hostile("payload length 2^32-1", Hostile.PAYLOAD_LENGTH, 0xFFFF_FFFFL));
		hostile.add(new Hostile("topic length 65535", Hostile.TOPIC_LENGTH, 0xFFFF));
		hostile.add(new Hostile("header count 255", Hostile.HEADER_COUNT, 0xFF));
		hostile.add(new Hostile("header name length 255", Hostile.KEY_LENGTH, 0xFF));
		hostile.add(new Hostile("header value length 65535", Hostile.VALUE_LENGTH, 0xFFFF));
		hostile.add(new Hostile("envelope count 65535", Hostile.COUNT, 0xFFFF));
		return hostile.stream().flatMap(h -> Stream.of(Arguments.of(h, TransportMode.BLOCKING),
				Arguments.of(h, TransportMode.NIO)));
	}

	@ParameterizedTest(name = "{0} ({1})")
	@MethodSource("cases")
	void theNodeClosesThatConnectionWithoutAllocatingAndKeepsServing(Hostile hostile, TransportMode mode) {
		this.nodes.use("127.0.0.1", mode);
		ChaskiNode node = this.nodes.start("victim");
		HonestPeer honest = HonestPeer.linkedTo(this.nodes, node, TOPIC);
		honest.exchange();
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long heapBefore = heapAfterGc(memory);

		try (RawPeer raw = RawPeer.connect(node)) {
			raw.handshake("attacker", List.of(TOPIC));
			byte[] frame = hostileFrame(raw, hostile);
			assertThat(frame.length).as("the attack is a small frame").isLessThan(100);
			raw.sendBytes(frame);
			assertThat(raw.awaitClosedByNode(Duration.ofSeconds(5))).as("the node closed the connection").isTrue();
		}
		await("the rejection counted").atMost(TestNodes.SETTLE).until(() -> node.stats().rejectedConnections() == 1);
		assertThat(heapAfterGc(memory)).as("heap in use after a GC").isLessThan(heapBefore + HEAP_SLACK_BYTES);
		assertThat(this.logs.hasWarning("overruns its frame")).as("a warning explains the close").isTrue();

		// the node's threads still read, handle and write for the honest peer
		honest.exchange();
		honest.exchange();
		assertThat(node.peers()).extracting(PeerInfo::name).containsExactly("honest");
		assertThat(this.logs.errors()).as("nothing logged at ERROR").isEmpty();
		assertThat(this.logs.withStackTraces()).as("no stack traces logged").isEmpty();
	}

	private static byte[] hostileFrame(RawPeer raw, Hostile hostile) {
		Envelope publish = new Envelope(EnvelopeKind.PUBLISH, raw.id(), raw.nextId(), 3, System.currentTimeMillis(),
				TOPIC, Map.of(Envelope.CONTENT_TYPE, "x"), new byte[0]);
		byte[] frame = RawPeer.frame(publish);
		byte[] body = java.util.Arrays.copyOfRange(frame, WireFormat.FRAME_HEADER_BYTES, frame.length);
		int[] field = FrameFuzzer.lengthFields(body).get(hostile.field());
		int offset = WireFormat.FRAME_HEADER_BYTES + field[0];
		for (int i = 0; i < field[1]; i++) {
			frame[offset + i] = (byte) (hostile.value() >>> (8 * (field[1] - 1 - i)));
		}
		return frame;
	}

	private static long heapAfterGc(MemoryMXBean memory) {
		memory.gc();
		return memory.getHeapMemoryUsage().getUsed();
	}

}
