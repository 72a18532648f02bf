package io.chaski.node;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BackoffAndLatencyTest {

	@Test
	void backoffDoublesWithJitterUpToTheMaximum() {
		Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
		for (int i = 0; i < 200; i++) {
			assertThat(backoff.delayBefore(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
			assertThat(backoff.delayBefore(2)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
			assertThat(backoff.delayBefore(4)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
			assertThat(backoff.delayBefore(5)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
			assertThat(backoff.delayBefore(1000)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
		}
	}

	@Test
	void backoffIsJittered() {
		Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
		long distinct = java.util.stream.IntStream.range(0, 50).mapToObj(i -> backoff.delayBefore(3)).distinct().count();
		assertThat(distinct).isGreaterThan(10);
	}

	@Test
	void latencyStartsUnknownThenTakesTheFirstSample() {
		LatencyEstimator estimator = new LatencyEstimator();
		assertThat(estimator.meanMillis()).isNaN();
		assertThat(estimator.jitterMillis()).isZero();
		estimator.record(2_000_000);
		assertThat(estimator.meanMillis()).isEqualTo(2.0);
		assertThat(estimator.jitterMillis()).isEqualTo(1.0);
		assertThat(estimator.samples()).isEqualTo(1);
	}

	@Test
	void latencySmoothsLikeRfc6298() {
		LatencyEstimator estimator = new LatencyEstimator();
		estimator.record(8_000_000);
		estimator.record(16_000_000);
		// jitter = 3/4 * 4 + 1/4 * |8 - 16| = 5; mean = 7/8 * 8 + 1/8 * 16 = 9
		assertThat(estimator.meanMillis()).isCloseTo(9.0, within(1e-9));
		assertThat(estimator.jitterMillis()).isCloseTo(5.0, within(1e-9));
	}

	@Test
	void steadySamplesConvergeAndJitterFades() {
		LatencyEstimator estimator = new LatencyEstimator();
		estimator.record(50_000_000);
		for (int i = 0; i < 200; i++) {
			estimator.record(1_000_000);
		}
		assertThat(estimator.meanMillis()).isCloseTo(1.0, within(0.01));
		assertThat(estimator.jitterMillis()).isLessThan(0.01);
	}

}
