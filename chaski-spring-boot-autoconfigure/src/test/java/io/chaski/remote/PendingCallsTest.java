package io.chaski.remote;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls whose ids share a slot are all found, removed once, and visited. */
class PendingCallsTest {

	@Test
	void callsThatShareASlotAreKeptApart() throws Exception {
		PendingCalls pending = new PendingCalls(16); // 16 slots: ids 3, 19 and 35 share one
		PendingCall first = call(3);
		PendingCall second = call(19);
		PendingCall third = call(35);
		pending.add(first);
		pending.add(second);
		pending.add(third);
		assertThat(pending.size()).isEqualTo(3);
		assertThat(pending.get(3)).isSameAs(first);
		assertThat(pending.get(19)).isSameAs(second);
		assertThat(pending.get(35)).isSameAs(third);
		assertThat(pending.get(51)).isNull();

		assertThat(pending.remove(3, first)).isTrue();
		assertThat(pending.remove(3, first)).as("only one removal wins").isFalse();
		assertThat(pending.remove(19, third)).as("another call's id").isFalse();
		assertThat(pending.get(3)).isNull();
		assertThat(pending.get(19)).isSameAs(second);
		List<PendingCall> seen = new ArrayList<>();
		pending.forEach(seen::add);
		assertThat(seen).containsExactlyInAnyOrder(second, third);

		PendingCall fourth = call(51); // the slot is free again
		pending.add(fourth);
		assertThat(pending.get(51)).isSameAs(fourth);
		assertThat(pending.remove(19, second)).isTrue();
		assertThat(pending.remove(35, third)).isTrue();
		assertThat(pending.remove(51, fourth)).isTrue();
		assertThat(pending.size()).isZero();
	}

	private static PendingCall call(long id) throws NoSuchMethodException {
		PendingCall call = new PendingCall("greeter", RemoteFixture.Greeter.class.getMethod("greet", String.class),
				new byte[0], 1_000_000_000L);
		call.id = id;
		return call;
	}

}
