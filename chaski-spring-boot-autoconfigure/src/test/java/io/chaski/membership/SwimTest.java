package io.chaski.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * SWIM on the in-memory network with a virtual clock: deterministic, and minutes of protocol time run in
 * milliseconds.
 */
class SwimTest {

	private static final MembershipSettings LAN = MembershipSettings.lan();

	@Test
	void thirtyTwoMembersConvergeToTheSameFullList() {
		SimCluster cluster = new SimCluster(1, LAN);
		for (int i = 0; i < 32; i++) {
			cluster.add();
		}
		assertThat(cluster.runUntil(cluster::converged, Duration.ofSeconds(60))).isNotNull();
		cluster.run(Duration.ofSeconds(30));
		assertThat(cluster.converged()).as("still converged, no false suspicion turned into death").isTrue();
		for (List<MemberEvent> events : cluster.events) {
			assertThat(events).noneMatch(event -> event.type() == MemberEvent.Type.DEAD);
		}
		// every packet of a minute and a half of gossip among 32 fitted max-packet-size (else: OVERSIZED)
		assertThat(cluster.members).allSatisfy(member -> assertThat(member.stats().rejected()).isZero());
	}

	@Test
	void aSilentMemberIsSuspectedThenDeclaredDeadEverywhere() {
		SimCluster cluster = new SimCluster(2, LAN);
		for (int i = 0; i < 8; i++) {
			cluster.add();
		}
		assertThat(cluster.runUntil(cluster::converged, Duration.ofSeconds(30))).isNotNull();
		Membership victim = cluster.members.get(5);
		cluster.kill(victim);
		Duration took = cluster.runUntil(() -> othersSee(cluster, victim, MemberState.DEAD), Duration.ofSeconds(60));
		assertThat(took).as("dead everywhere").isNotNull();
		// probe interval + the shortest suspicion timeout (4 x log10(8) < 4 probe intervals) + dissemination
		assertThat(took).isLessThan(Duration.ofSeconds(15));
		assertThat(cluster.events.get(0)).extracting(MemberEvent::type)
			.containsSubsequence(MemberEvent.Type.SUSPECT, MemberEvent.Type.DEAD);
	}

	@Test
	void aMemberCutOffForLessThanTheSuspicionTimeoutRefutesAndStaysAlive() {
		SimCluster cluster = new SimCluster(3, LAN);
		for (int i = 0; i < 5; i++) {
			cluster.add();
		}
		assertThat(cluster.runUntil(cluster::converged, Duration.ofSeconds(30))).isNotNull();
		Membership victim = cluster.members.get(3);
		cluster.network.block(address(victim), true);
		assertThat(cluster.runUntil(() -> cluster.members.stream()
			.anyMatch(member -> SimCluster.stateOf(member, victim) == MemberState.SUSPECT), Duration.ofSeconds(10)))
			.isNotNull();
		cluster.network.block(address(victim), false);
		cluster.run(Duration.ofSeconds(20));
		assertThat(cluster.converged()).isTrue();
		assertThat(victim.stats().refutations.sum()).isPositive();
		for (List<MemberEvent> events : cluster.events) {
			assertThat(events).noneMatch(event -> event.type() == MemberEvent.Type.DEAD);
		}
	}

	@Test
	void aKilledProcessWhosePortRefusesIsDeadEverywhereWithoutASuspicion() {
		SimCluster cluster = new SimCluster(7, LAN);
		cluster.listenerCheck = cluster.network.listenerCheck();
		for (int i = 0; i < 5; i++) {
			cluster.add();
		}
		assertThat(cluster.runUntil(cluster::converged, Duration.ofSeconds(30))).isNotNull();
		Membership victim = cluster.members.get(2);
		cluster.kill(victim);
		Duration took = cluster.runUntil(() -> othersSee(cluster, victim, MemberState.DEAD), Duration.ofSeconds(30));
		// the first probe of it (within a probe interval or so), its timeout, then one announcement to everyone:
		// far below the shortest suspicion timeout (4 s)
		assertThat(took).isNotNull().isLessThan(Duration.ofSeconds(3));
		assertThat(cluster.members).filteredOn(member -> member != victim)
			.allSatisfy(member -> assertThat(eventsAbout(cluster, member, victim)).containsExactly(MemberEvent.Type.DEAD));
		assertThat(cluster.members.stream().mapToLong(member -> member.stats().deathsOnRefusal.sum()).sum()).isPositive();
	}

	@Test
	void aLostLinkToAKilledProcessIsDeadEverywhereAfterOneProbeTimeout() {
		SimCluster cluster = new SimCluster(8, LAN);
		cluster.listenerCheck = cluster.network.listenerCheck();
		for (int i = 0; i < 5; i++) {
			cluster.add();
		}
		assertThat(cluster.runUntil(cluster::converged, Duration.ofSeconds(30))).isNotNull();
		Membership victim = cluster.members.get(3);
		cluster.kill(victim);
		// the node linked to it over TCP sees the link break at once
		cluster.members.get(0).probeNow(victim.self().id());
		Duration took = cluster.runUntil(() -> othersSee(cluster, victim, MemberState.DEAD), Duration.ofSeconds(30));
		// probe timeout (500 ms) and a tick; the announcement arrives with the next delivery
		assertThat(took).isNotNull().isLessThanOrEqualTo(LAN.probeTimeout().plus(LAN.probeInterval().dividedBy(10)));
	}

	@Test
	void aMemberWhosePortStillAcceptsIsNotDeclaredDeadWhenItsLinkBreaks() {
		SimCluster cluster = new SimCluster(9, LAN);
		cluster.listenerCheck = cluster.network.listenerCheck();
		for (int i = 0; i < 5; i++) {
			cluster.add();
		}
		assertThat(cluster.runUntil(cluster::converged, Duration.ofSeconds(30))).isNotNull();
		Membership paused = cluster.members.get(1);
		// a pause (GC, a stalled machine): no UDP answer, but the kernel still accepts on its port
		cluster.network.block(address(paused), true);
		cluster.members.get(0).probeNow(paused.self().id());
		cluster.run(Duration.ofSeconds(2));
		assertThat(SimCluster.stateOf(cluster.members.get(0), paused)).isEqualTo(MemberState.SUSPECT);
		cluster.network.block(address(paused), false);
		cluster.run(Duration.ofSeconds(20));
		assertThat(cluster.converged()).isTrue();
		assertThat(paused.stats().refutations.sum()).isPositive();
		for (List<MemberEvent> events : cluster.events) {
			assertThat(events).noneMatch(event -> event.type() == MemberEvent.Type.DEAD);
		}
	}

	@Test
	void aMemberCutOffFromEveryoneGrowsUnhealthyWhileThoseWhoseHelpersNackStayHealthy() {
		SimCluster cluster = new SimCluster(10, LAN);
		for (int i = 0; i < 5; i++) {
			cluster.add();
		}
		assertThat(cluster.runUntil(cluster::converged, Duration.ofSeconds(30))).isNotNull();
		Membership cutOff = cluster.members.get(2);
		cluster.network.block(address(cutOff), true);
		// its probes fail and no helper answers: it may be the sick one, so it probes (up to 8 times) slower
		assertThat(cluster.runUntil(() -> cutOff.swim().health() >= 4, Duration.ofSeconds(15))).isNotNull();
		long probesWhileSick = cutOff.stats().probes.sum();
		// (before its suspicions of the others, unconfirmed, time out after 24 s)
		cluster.run(Duration.ofSeconds(8));
		assertThat(cutOff.stats().probes.sum() - probesWhileSick).as("one probe per 5 s or slower, not 8")
			.isLessThanOrEqualTo(2);
		// the others' probes of it fail too, but their helpers NACK: they know the fault is not theirs
		assertThat(cluster.members).filteredOn(member -> member != cutOff)
			.allSatisfy(member -> assertThat(member.swim().health()).isZero());
		// back on the network, acks bring it back to health
		cluster.network.block(address(cutOff), false);
		assertThat(cluster.runUntil(() -> cutOff.swim().health() == 0, Duration.ofMinutes(2))).isNotNull();
	}

	@Test
	void aGracefulLeaveIsLeftEverywhereAtOnce() {
		SimCluster cluster = new SimCluster(4, LAN);
		for (int i = 0; i < 6; i++) {
			cluster.add();
		}
		assertThat(cluster.runUntil(cluster::converged, Duration.ofSeconds(30))).isNotNull();
		Membership leaver = cluster.members.get(2);
		cluster.leave(leaver);
		cluster.network.deliverAll();
		assertThat(othersSee(cluster, leaver, MemberState.LEFT)).as("left after one delivery, no probe round").isTrue();
	}

	@Test
	void aMemberDeclaredDeadComesBackWhenThePartitionHeals() {
		SimCluster cluster = new SimCluster(5, LAN);
		for (int i = 0; i < 6; i++) {
			cluster.add();
		}
		assertThat(cluster.runUntil(cluster::converged, Duration.ofSeconds(30))).isNotNull();
		Membership victim = cluster.members.get(4);
		cluster.network.partition(address(victim), 1);
		assertThat(cluster.runUntil(() -> othersSee(cluster, victim, MemberState.DEAD), Duration.ofSeconds(60)))
			.isNotNull();
		cluster.run(Duration.ofMinutes(10));
		cluster.network.partition(address(victim), 0);
		// re-probes back off to 30 s at most
		assertThat(cluster.runUntil(cluster::converged, Duration.ofSeconds(60))).isNotNull();
		assertThat(cluster.events.get(0)).extracting(MemberEvent::type).contains(MemberEvent.Type.ALIVE_AGAIN);
	}

	@Test
	void aMemberStartedLongBeforeItsSeedJoinsWhenTheSeedAppears() {
		SimCluster cluster = new SimCluster(6, LAN);
		Membership seed = cluster.add();
		cluster.kill(seed);
		Membership early = cluster.add();
		cluster.run(Duration.ofMinutes(2));
		assertThat(early.members()).hasSize(1);
		// the seed starts at its address and the early member finds it through its join retries (30 s apart)
		cluster.restart(0);
		assertThat(cluster.runUntil(cluster::converged, Duration.ofSeconds(60))).isNotNull();
		assertThat(early.members()).hasSize(2);
	}

	private static boolean othersSee(SimCluster cluster, Membership subject, MemberState state) {
		return cluster.members.stream()
			.filter(member -> member != subject && !cluster.isStopped(member))
			.allMatch(member -> SimCluster.stateOf(member, subject) == state);
	}

	private static List<MemberEvent.Type> eventsAbout(SimCluster cluster, Membership observer, Membership subject) {
		return cluster.events.get(cluster.members.indexOf(observer)).stream()
			.filter(event -> event.member().id().equals(subject.self().id()) && event.type() != MemberEvent.Type.JOINED
					&& event.type() != MemberEvent.Type.UPDATED)
			.map(MemberEvent::type)
			.toList();
	}

	private static InetSocketAddress address(Membership member) {
		return new InetSocketAddress(member.self().host(), member.self().port());
	}

}
