package io.chaski.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static io.chaski.testing.TestNodes.connect;
import static org.assertj.core.api.Assertions.assertThat;

@ParameterizedClass(name = "{0}")
@EnumSource(TransportMode.class)
class PingTest {

	private static final int ROUNDS = 9;

	@RegisterExtension
	final TestNodes nodes;

	PingTest(TransportMode mode) {
		this.nodes = new TestNodes("127.0.0.1", mode);
	}

	@Test
	void aPingCarrying100KilobytesTakesLongerThanAnEmptyOne() throws Exception {
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode b = this.nodes.start("b");
		connect(a, b);
		for (int i = 0; i < 3; i++) { // warm up both paths
			a.ping(b.id(), 0).get();
			a.ping(b.id(), 100 * 1024).get();
		}
		List<Duration> empty = new ArrayList<>();
		List<Duration> heavy = new ArrayList<>();
		for (int i = 0; i < ROUNDS; i++) { // interleaved, so that a slow moment hurts both
			empty.add(a.ping(b.id(), 0).get());
			heavy.add(a.ping(b.id(), 100 * 1024).get());
		}
		assertThat(median(heavy)).as("median of %s vs %s", heavy, empty).isGreaterThan(median(empty));
		assertThat(median(empty)).isPositive();
	}

	@Test
	void pingingAStrangerFails() {
		ChaskiNode a = this.nodes.start("a");
		assertThat(a.ping(UUID.randomUUID(), 0)).failsWithin(TestNodes.SETTLE)
			.withThrowableThat().withMessageContaining("not connected");
	}

	private static Duration median(List<Duration> samples) {
		List<Duration> sorted = samples.stream().sorted().toList();
		return sorted.get(sorted.size() / 2);
	}

}
