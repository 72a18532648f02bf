package io.chaski.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.chaski.membership.Member;
import io.chaski.membership.MemberState;
import io.chaski.membership.MembershipSettings;
import io.chaski.testing.ForkedMember;
import io.chaski.testing.TestNodes;

/**
 * A member in a JVM of its own, linked over TCP, killed with SIGKILL: dead at the others without going through
 * the suspicion timeout, because its port refuses connections once the process is gone. Default membership
 * timings; real UDP and TCP on loopback.
 */
class KilledMemberTest {

	private static final Duration GENEROUS = Duration.ofSeconds(60);

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	private final List<AutoCloseable> closing = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closing) {
			closeable.close();
		}
	}

	@Test
	void aKilledProcessIsDeadAtTheOthersWithoutASuspicionTimeout() {
		ChaskiNode a = this.nodes.start("a", "t");
		ChaskiNode b = this.nodes.start("b", "t");
		MemberLinks aLinks = link(a);
		MemberLinks bLinks = link(b, a);
		ForkedMember victim = new ForkedMember("victim", "t", a.address().hostAndPort());
		this.closing.add(victim);
		UUID id = victim.awaitReady(GENEROUS).id();
		await().atMost(GENEROUS).until(() -> a.peer(id).isPresent() && b.peer(id).isPresent()
				&& state(aLinks, id) == MemberState.ALIVE && state(bLinks, id) == MemberState.ALIVE);

		victim.kill();

		await().atMost(GENEROUS).until(() -> state(aLinks, id) == MemberState.DEAD && state(bLinks, id) == MemberState.DEAD);
		// declared on the refusal, not after a suspicion timed out (the shortest is 4 s with these defaults)
		assertThat(aLinks.membership().stats().deathsOnRefusal.sum() + bLinks.membership().stats().deathsOnRefusal.sum())
			.isPositive();
	}

	private MemberLinks link(ChaskiNode node, ChaskiNode... seeds) {
		List<String> addresses = List.of(seeds).stream().map(seed -> seed.address().hostAndPort()).toList();
		MemberLinks started = MemberLinks.start(node, MembershipSettings.lan(), 0, addresses);
		this.closing.add(started);
		return started;
	}

	private static MemberState state(MemberLinks links, UUID id) {
		return links.membership().member(id).map(Member::state).orElse(null);
	}

}
