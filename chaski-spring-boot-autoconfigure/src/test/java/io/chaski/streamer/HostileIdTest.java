package io.chaski.streamer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.chaski.node.ChaskiNode;
import io.chaski.testing.HonestPeer;
import io.chaski.testing.LogCapture;
import io.chaski.testing.RawPeer;
import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Regression for the "Hardening" finding: after a handshake, PUBLISH with id -2 and then 2^63-1 from one
 * origin made the duplicate filter loop about 2^63 times holding its lock, and one forged PUBLISH with another
 * node's origin and a huge id silenced that node. Now such ids are dropped (not delivered, not relayed) and
 * counted, no thread spins, and the honest node's messages keep arriving.
 */
class HostileIdTest {

	private static final String TOPIC = "Hostile-Id-Honest";

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@RegisterExtension
	final LogCapture logs = new LogCapture();

	@ParameterizedTest
	@EnumSource(TransportMode.class)
	void implausibleIdsAreDroppedAndCountedAndNoThreadSpins(TransportMode mode) {
		this.nodes.use("127.0.0.1", mode);
		ChaskiNode node = this.nodes.start("victim");
		HonestPeer honest = HonestPeer.linkedTo(this.nodes, node, TOPIC);
		honest.exchange(); // the honest origin's window is live now
		UUID honestOrigin = honest.friend().id();

		try (RawPeer raw = RawPeer.connect(node)) {
			raw.handshake("attacker", List.of(TOPIC));
			raw.send(raw.publish(TOPIC, -2, 3, "minus two"), raw.publish(TOPIC, Long.MAX_VALUE, 3, "2^63-1"));
			raw.send(raw.publish(TOPIC, Long.MAX_VALUE, 3, "Long.MAX_VALUE again"));
			raw.send(raw.publish(TOPIC, 0, 3, "zero"), raw.publish(TOPIC, Long.MIN_VALUE, 3, "Long.MIN_VALUE"));
			// forged for the honest node: out of range, and in range but further ahead than it could have counted
			raw.send(forged(honestOrigin, 1L << 62), forged(honestOrigin, 1L << 52));
			assertThat(raw.roundTrip(TestNodes.SETTLE)).as("the node answers the attacker's ping").isTrue();
		}
		ChaskiStreamer streamer = this.nodes.streamer(node);
		await("rejected ids counted").atMost(TestNodes.SETTLE).until(() -> streamer.stats().rejectedIds() == 7);
		assertThat(streamer.stats().received()).as("only the honest message was accepted").isEqualTo(1);

		Map<Long, Long> cpuBefore = cpuTimes();
		long wallBefore = System.nanoTime();
		// a second later the node still answers; exchange() fails if a forged message was delivered or relayed
		await("the honest peer's messages after a second").pollDelay(Duration.ofSeconds(1))
			.atMost(TestNodes.SETTLE)
			.untilAsserted(honest::exchange);
		long wall = System.nanoTime() - wallBefore;
		Map<Long, Long> cpuAfter = cpuTimes();
		cpuAfter.forEach((thread, after) -> assertThat(after - cpuBefore.getOrDefault(thread, 0L))
			.as("CPU time of thread %s over %d ms", threadName(thread), wall / 1_000_000)
			.isLessThan(wall / 2));
		assertThat(this.logs.errors()).as("nothing logged at ERROR").isEmpty();
	}

	private static Envelope forged(UUID origin, long id) {
		return new Envelope(EnvelopeKind.PUBLISH, origin, id, 3, System.currentTimeMillis(), TOPIC, Map.of(),
				"forged".getBytes());
	}

	private static Map<Long, Long> cpuTimes() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		Map<Long, Long> times = new HashMap<>();
		for (long id : threads.getAllThreadIds()) {
			long cpu = threads.getThreadCpuTime(id);
			if (cpu >= 0) {
				times.put(id, cpu);
			}
		}
		return times;
	}

	private static String threadName(long id) {
		var info = ManagementFactory.getThreadMXBean().getThreadInfo(id);
		return (info != null) ? info.getThreadName() : "#" + id;
	}

}
