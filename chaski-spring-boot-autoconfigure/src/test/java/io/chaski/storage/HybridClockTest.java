package io.chaski.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The hybrid logical clock against a wall clock moved by hand. */
class HybridClockTest {

	private final MutableClock wall = new MutableClock();

	private final HybridClock clock = new HybridClock(this.wall, Duration.ofSeconds(60));

	@Test
	void followsTheWallClockAndNeverRepeatsWithinAMillisecond() {
		long first = this.clock.now();
		long second = this.clock.now();
		assertThat(HybridClock.physicalMillis(first)).isEqualTo(this.wall.millis());
		assertThat(second).isGreaterThan(first);
		assertThat(HybridClock.physicalMillis(second)).isEqualTo(this.wall.millis());
		this.wall.advance(Duration.ofMillis(5));
		assertThat(HybridClock.physicalMillis(this.clock.now())).isEqualTo(this.wall.millis());
	}

	@Test
	void staysMonotonicWhenTheWallClockGoesBack() {
		long before = this.clock.now();
		this.wall.advance(Duration.ofSeconds(-10));
		assertThat(this.clock.now()).isGreaterThan(before);
	}

	@Test
	void aWitnessedPeerTimestampIsFollowedByLaterLocalOnes() {
		long remote = (this.wall.millis() + 30_000) << HybridClock.LOGICAL_BITS;
		assertThat(this.clock.witness(remote)).isTrue();
		assertThat(this.clock.now()).isGreaterThan(remote);
		// an older peer timestamp does not move the clock back
		assertThat(this.clock.witness(1)).isTrue();
		assertThat(this.clock.now()).isGreaterThan(remote);
	}

	@Test
	void refusesAPeerTimestampFurtherAheadThanTheAllowedSkewAndNegativeOnes() {
		long tooFar = (this.wall.millis() + 60_001) << HybridClock.LOGICAL_BITS;
		long justInside = (this.wall.millis() + 60_000) << HybridClock.LOGICAL_BITS;
		assertThat(this.clock.witness(tooFar)).isFalse();
		assertThat(this.clock.now()).isLessThan(tooFar);
		assertThat(this.clock.witness(-1)).isFalse();
		assertThat(this.clock.witness(Long.MAX_VALUE)).isFalse();
		assertThat(this.clock.acceptable(justInside)).isTrue();
		// once the wall clock has caught up, the same timestamp is fine
		this.wall.advance(Duration.ofSeconds(2));
		assertThat(this.clock.witness(tooFar)).isTrue();
	}

	@Test
	void resumesAfterTheLatestStoredTimestamp() {
		long stored = (this.wall.millis() + 3_600_000) << HybridClock.LOGICAL_BITS;
		this.clock.resumeAfter(stored);
		assertThat(this.clock.now()).isGreaterThan(stored);
	}

}
