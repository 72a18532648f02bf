package io.chaski.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.chaski.membership.Member;
import io.chaski.membership.MemberMetadata;
import io.chaski.membership.MemberState;
import io.chaski.membership.MembershipSettings;
import io.chaski.testing.TestNodes;

/**
 * Full state sync over TCP and metadata larger than a packet, over real UDP and TCP on loopback. A member record
 * with 40 topics of 20 characters takes about 950 bytes: more than half a 1,400-byte packet, so UDP carries it
 * without its topics and only TCP can deliver them.
 */
class StateSyncTest {

	private static final MembershipSettings FAST = MembershipSettings.lan()
		.withProbe(Duration.ofMillis(200), Duration.ofMillis(100));

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	private final List<MemberLinks> links = new ArrayList<>();

	@AfterEach
	void closeLinks() {
		this.links.forEach(MemberLinks::close);
	}

	@Test
	void aJoiningNodeLearnsEveryMemberTheSeedKnowsWithCompleteMetadata() {
		ChaskiNode seed = this.nodes.start("seed", "a");
		ChaskiNode joiner = this.nodes.start("joiner", "b");
		// nobody probes within the test: the 300 made-up members answer no probe and their ports refuse, so a
		// probe of one would declare it dead at once (and a dead record carries no metadata to check)
		MembershipSettings unprobed = FAST.withProbe(Duration.ofMinutes(1), Duration.ofSeconds(1));
		MemberLinks seedLinks = link(seed, unprobed);
		// each at its own address (a new id at a known address would supersede the old one), where nobody listens
		List<Member> madeUp = IntStream.range(0, 300)
			.mapToObj(i -> new Member(UUID.randomUUID(), "m" + i, "127.0.0.1", 10_000 + i, MemberState.ALIVE, 0,
					new MemberMetadata("127.0.0.1", 10_000 + i, topics(40), false, "chaski/test")))
			.toList();
		seedLinks.membership().merge(UUID.randomUUID(), madeUp);
		MemberLinks joinerLinks = link(joiner, unprobed, seed);
		await().atMost(TestNodes.SETTLE).until(() -> madeUp.stream().allMatch(member -> joinerLinks.membership()
			.member(member.id())
			.filter(known -> known.metadata().complete() && known.metadata().subscriptions().size() == 40)
			.isPresent()));
	}

	@Test
	void aNodeWithMoreTopicsThanAPacketHoldsJoinsAndIsLinkedByTheTopicsUdpCouldNotCarry() {
		ChaskiNode seed = this.nodes.start("seed", "topic-of-twenty-ch-39");
		ChaskiNode many = this.nodes.start(this.nodes.builder("many").subscriptions(topics(40)));
		MemberLinks seedLinks = link(seed, FAST);
		link(many, FAST, seed);
		await().atMost(TestNodes.SETTLE).until(() -> seedLinks.membership().member(many.id())
			.filter(member -> member.metadata().complete() && member.metadata().subscriptions().size() == 40)
			.isPresent());
		await().atMost(TestNodes.SETTLE).until(() -> seed.peer(many.id()).isPresent());
	}

	private static List<String> topics(int count) {
		return IntStream.range(0, count).mapToObj(i -> "topic-of-twenty-ch-%02d".formatted(i)).toList();
	}

	private MemberLinks link(ChaskiNode node, MembershipSettings settings, ChaskiNode... seeds) {
		List<String> addresses = List.of(seeds).stream().map(seed -> seed.address().hostAndPort()).toList();
		MemberLinks started = MemberLinks.start(node, settings, 0, addresses);
		this.links.add(started);
		return started;
	}

}
