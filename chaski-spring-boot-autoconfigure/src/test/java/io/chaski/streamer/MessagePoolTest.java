package io.chaski.streamer;

import java.time.Duration;
import java.util.UUID;

import io.chaski.streamer.MessagePool.Sighting;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The duplicate filter's verdicts, including on ids no real origin produces.
 */
class MessagePoolTest {

	private final MessagePool pool = new MessagePool(100, 1024, Duration.ofMinutes(1));

	private final UUID origin = UUID.randomUUID();

	@Test
	void newIdsPassOnceAndIdsOlderThanTheWindowAreTooOld() {
		assertThat(this.pool.sight(this.origin, 5)).isEqualTo(Sighting.FIRST);
		assertThat(this.pool.sight(this.origin, 5)).isEqualTo(Sighting.SEEN);
		assertThat(this.pool.sight(this.origin, 3)).isEqualTo(Sighting.FIRST);
		assertThat(this.pool.sight(this.origin, 5000)).isEqualTo(Sighting.FIRST);
		assertThat(this.pool.sight(this.origin, 4000)).isEqualTo(Sighting.FIRST);
		assertThat(this.pool.sight(this.origin, 3000)).as("older than the window").isEqualTo(Sighting.TOO_OLD);
		assertThat(this.pool.sight(this.origin, 3977)).as("the oldest id still in the window").isEqualTo(Sighting.FIRST);
		assertThat(this.pool.sight(UUID.randomUUID(), 5)).as("another origin").isEqualTo(Sighting.FIRST);
	}

	@Test
	void idsOutsideWhatANodeNumbersAreImplausible() {
		for (long id : new long[] { 0, -1, -2, Long.MIN_VALUE, Long.MAX_VALUE, MessagePool.MAX_ID + 1 }) {
			assertThat(this.pool.sight(this.origin, id)).as("id %d", id).isEqualTo(Sighting.IMPLAUSIBLE);
		}
		assertThat(this.pool.sight(this.origin, MessagePool.MAX_ID)).as("a first id may be anywhere in range")
			.isEqualTo(Sighting.FIRST);
		assertThat(this.pool.sight(this.origin, MessagePool.MAX_ID)).isEqualTo(Sighting.SEEN);
	}

	@Test
	void aLiveWindowRefusesAJumpFurtherThanItsOriginCouldHaveCounted() {
		assertThat(this.pool.sight(this.origin, 1)).isEqualTo(Sighting.FIRST);
		assertThat(this.pool.sight(this.origin, 1L << 52)).isEqualTo(Sighting.IMPLAUSIBLE);
		assertThat(this.pool.sight(this.origin, 1L << 62)).isEqualTo(Sighting.IMPLAUSIBLE);
		// the window did not move: the origin's next ids still pass
		assertThat(this.pool.sight(this.origin, 2)).isEqualTo(Sighting.FIRST);
		// a jump within the allowance (messages lost on the way) is accepted
		assertThat(this.pool.sight(this.origin, 2 + MessagePool.JUMP_ALLOWANCE)).isEqualTo(Sighting.FIRST);
		assertThat(this.pool.sight(this.origin, 3 + MessagePool.JUMP_ALLOWANCE)).isEqualTo(Sighting.FIRST);
	}

}
