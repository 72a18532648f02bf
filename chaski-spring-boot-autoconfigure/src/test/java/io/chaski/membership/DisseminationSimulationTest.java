package io.chaski.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The simulation behind the table in docs/membership.md: members that all know each other on the in-memory
 * network with 5% loss; one member changes its metadata and the test counts probe intervals until every member
 * has the change, and false suspicions and deaths meanwhile. Deterministic for its seeds.
 */
class DisseminationSimulationTest {

	@Test
	void disseminationGrowsLikeLogNNotN() {
		Map<Integer, Result> results = new LinkedHashMap<>();
		for (int size : List.of(10, 100, 1000)) {
			results.put(size, simulate(size, 0.05));
			System.out.println("members=" + size + " " + results.get(size));
		}
		double rounds10 = results.get(10).rounds;
		double rounds1000 = results.get(1000).rounds;
		// N grew 100-fold, log N 3-fold: allow 4x, far below linear growth
		assertThat(rounds1000).isLessThanOrEqualTo(4 * rounds10);
		for (Result result : results.values()) {
			assertThat(result.deaths).as("no member declared dead at 5% loss").isZero();
		}
	}

	private static Result simulate(int size, double loss) {
		SimCluster cluster = new SimCluster(size, MembershipSettings.lan());
		cluster.joinThroughFirst = false;
		for (int i = 0; i < size; i++) {
			cluster.add();
		}
		cluster.introduceAll();
		cluster.network.loss(loss);
		cluster.run(Duration.ofSeconds(1));
		Membership changed = cluster.members.get(size / 2);
		changed.updateMetadata(new MemberMetadata("127.0.0.1", 7700, List.of("t"), false, "x"));
		long incarnation = changed.self().incarnation();
		Duration took = cluster.runUntil(() -> cluster.members.stream()
			.allMatch(member -> member.member(changed.self().id()).orElseThrow().incarnation() >= incarnation),
				Duration.ofSeconds(60));
		assertThat(took).as("dissemination among " + size).isNotNull();
		long suspicions = cluster.members.stream().mapToLong(member -> member.stats().suspicions.sum()).sum();
		long deaths = cluster.events.stream().flatMap(List::stream)
			.filter(event -> event.type() == MemberEvent.Type.DEAD).count();
		// every packet fitted max-packet-size and decoded, however many updates were waiting to be piggybacked
		assertThat(cluster.members).allSatisfy(member -> assertThat(member.stats().rejected()).isZero());
		return new Result(took.toMillis() / 1000.0, suspicions, deaths);
	}

	/**
	 * @param rounds probe intervals (1 s) until every member had the update
	 * @param suspicions suspicions raised by failed probes (all false: every member is alive)
	 * @param deaths members declared dead anywhere (all false)
	 */
	private record Result(double rounds, long suspicions, long deaths) {
	}

}
