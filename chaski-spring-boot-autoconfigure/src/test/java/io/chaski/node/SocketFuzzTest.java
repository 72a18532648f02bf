package io.chaski.node;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.UUID;

import io.chaski.testing.FrameFuzzer;
import io.chaski.testing.HonestPeer;
import io.chaski.testing.LogCapture;
import io.chaski.testing.RawPeer;
import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ten thousand generated and mutated frames through a real socket after a valid handshake, in batches that
 * end with a PING: when the node closes the connection over a bad frame, the fuzzer reconnects and
 * handshakes again. Most frames carry content mutations only (hostile ids, origins, hops, topics, payloads),
 * so most of them reach the node's routing rather than dying in the decoder. Meanwhile an honest peer's messages keep flowing both ways, nothing is logged at ERROR,
 * and the node's thread count stays bounded.
 */
class SocketFuzzTest {

	private static final int FRAMES = 10_000;

	private static final int BATCH = 25;

	private static final String TOPIC = "Socket-Fuzz-Honest";

	/** Threads the node may hold beyond its start: connections closing are still winding down. */
	private static final int THREAD_SLACK = 16;

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@RegisterExtension
	final LogCapture logs = new LogCapture();

	@ParameterizedTest
	@EnumSource(TransportMode.class)
	void mutatedFramesCostTheirConnectionOnly(TransportMode mode) {
		this.nodes.use("127.0.0.1", mode);
		ChaskiNode node = this.nodes.start("victim");
		HonestPeer honest = HonestPeer.linkedTo(this.nodes, node, TOPIC);
		honest.exchange();
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		int threadsBefore = threads.getThreadCount();
		long seed = System.nanoTime();
		// origins: this node (its own messages come back as duplicates) and strangers; not the honest peer,
		// whose window forged ids would move (only authentication prevents that)
		FrameFuzzer fuzzer = FrameFuzzer.forPeer(seed, node.id(), UUID.randomUUID(), UUID.randomUUID());

		long framesBefore = node.stats().framesIn();
		int connections = 0;
		int closedByNode = 0;
		RawPeer raw = null;
		try {
			for (int sent = 0; sent < FRAMES; sent += BATCH) {
				if (raw == null) {
					raw = RawPeer.connect(node);
					raw.handshake("fuzzer", List.of(TOPIC));
					connections++;
				}
				ByteArrayOutputStream batch = new ByteArrayOutputStream();
				for (int i = 0; i < BATCH; i++) {
					batch.writeBytes(FrameFuzzer.frame(fuzzer.next()));
				}
				boolean open;
				try {
					raw.sendBytes(batch.toByteArray());
					open = raw.roundTrip(TestNodes.SETTLE);
				}
				catch (UncheckedIOException ex) {
					open = false; // closed by the node while the batch was written
				}
				if (!open) {
					closedByNode++;
					raw.close();
					raw = null;
				}
				if (connections % 50 == 0 && raw == null) {
					exchangeAlone(node, honest);
				}
			}
		}
		finally {
			if (raw != null) {
				raw.close();
			}
		}
		System.out.printf("%s: %d frames sent over %d connections, %d closed by the node, %d frames read (seed %d)%n",
				mode, FRAMES, connections, closedByNode, node.stats().framesIn() - framesBefore, seed);

		assertThat(closedByNode).as("seed %d: the fuzzer produced frames the node refuses", seed).isPositive();
		assertThat(node.stats().framesIn() - framesBefore).as("seed %d: frames the node read", seed)
			.isGreaterThan(FRAMES / 2);
		assertThat(this.nodes.streamer(node).stats().rejectedIds()).as("seed %d: hostile ids reached the pool", seed)
			.isPositive();
		exchangeAlone(node, honest);
		await("seed " + seed + ": threads wind down").atMost(TestNodes.SETTLE)
			.until(() -> threads.getThreadCount() <= threadsBefore + THREAD_SLACK);
		assertThat(this.logs.errors()).as("seed %d: nothing logged at ERROR", seed).isEmpty();
		assertThat(this.logs.withStackTraces()).as("seed %d: no stack traces logged", seed).isEmpty();
	}

	/**
	 * Once the node has let go of the fuzzer's last connection, the honest peer's messages still flow both ways.
	 * (Waiting matters: a publish that meets an edge still closing fails as if that peer's queue were full.)
	 */
	private static void exchangeAlone(ChaskiNode node, HonestPeer honest) {
		await("the node lets go of the fuzzer").atMost(TestNodes.SETTLE)
			.until(() -> node.peers().stream().map(PeerInfo::name).toList(), List.of("honest")::equals);
		honest.exchange();
	}

}
