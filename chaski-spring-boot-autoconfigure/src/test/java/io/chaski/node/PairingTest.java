package io.chaski.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.chaski.node.Pairing.Candidate;

/** The pairing rule as a pure function: no sockets. */
class PairingTest {

	private final Random random = new Random(42);

	@Test
	void everyTopicGroupIsConnectedAndNobodyChoosesMoreThanTheLimit() {
		for (int trial = 0; trial < 100; trial++) {
			int size = 2 + this.random.nextInt(30);
			int limit = 1 + this.random.nextInt(4);
			List<Candidate> group = new ArrayList<>();
			for (int i = 0; i < size; i++) {
				group.add(candidate(false, "t"));
			}
			Map<UUID, Set<UUID>> choices = chooseAll(group, limit, Map.of());
			choices.values().forEach(chosen -> assertThat(chosen).hasSizeLessThanOrEqualTo(limit));
			assertThat(reachable(group.get(0).id(), choices)).as("size %d, limit %d", size, limit).hasSize(size);
		}
	}

	@Test
	void eightNodesWithLimitTwoChooseTwoEachAndFormOneGraph() {
		List<Candidate> group = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			group.add(candidate(false, "t"));
		}
		Map<UUID, Set<UUID>> choices = chooseAll(group, 2, Map.of());
		choices.values().forEach(chosen -> assertThat(chosen).hasSize(2));
		assertThat(reachable(group.get(0).id(), choices)).hasSize(8);
	}

	@Test
	void theRingSuccessorComesFirstThenTheNearestMember() {
		UUID self = new UUID(0, 100);
		Candidate successor = new Candidate(new UUID(0, 200), Set.of("t"), false);
		Candidate next = new Candidate(new UUID(0, 300), Set.of("t"), false);
		Candidate near = new Candidate(new UUID(0, 50), Set.of("t"), false);
		Candidate far = new Candidate(new UUID(0, 60), Set.of("t"), false);
		Map<UUID, Double> latency = Map.of(near.id(), 0.4, far.id(), 7.0, successor.id(), 30.0);
		Set<UUID> chosen = new Pairing(2).choose(new Candidate(self, Set.of("t"), false), Set.of(),
				List.of(far, near, next, successor), latency);
		assertThat(chosen).containsExactly(successor.id(), near.id());
		// without latencies: along the ring, wrapping around past the largest id
		assertThat(new Pairing(4).choose(new Candidate(self, Set.of("t"), false), Set.of(),
				List.of(far, near, next, successor), Map.of()))
			.containsExactly(successor.id(), next.id(), near.id(), far.id());
	}

	@Test
	void latencyJitterWithinAMillisecondKeepsTheRingOrder() {
		UUID self = new UUID(0, 100);
		Candidate successor = new Candidate(new UUID(0, 200), Set.of("t"), false);
		Candidate second = new Candidate(new UUID(0, 300), Set.of("t"), false);
		Candidate third = new Candidate(new UUID(0, 400), Set.of("t"), false);
		Map<UUID, Double> latency = Map.of(second.id(), 0.31, third.id(), 0.07);
		assertThat(new Pairing(2).choose(new Candidate(self, Set.of("t"), false), Set.of(),
				List.of(third, second, successor), latency))
			.containsExactly(successor.id(), second.id());
	}

	@Test
	void ringDistanceWrapsAroundThe128BitSpace() {
		UUID from = new UUID(-1L, -10L); // near the top
		UUID justAfter = new UUID(0, 5); // wrapped around: 15 after
		UUID before = new UUID(-1L, -20L); // the whole ring minus 10
		assertThat(Pairing.compareRingDistance(from, justAfter, before)).isNegative();
		assertThat(Pairing.compareRingDistance(from, new UUID(-1L, -9L), justAfter)).isNegative();
		assertThat(Pairing.compareRingDistance(new UUID(0, 5), new UUID(1, 0), new UUID(0, 6))).isPositive();
	}

	@Test
	void nodesOfDifferentTopicsDoNotChooseEachOther() {
		// the Python original's subscription case: A, B, C, [A,C], [B,A], C
		List<Candidate> nodes = List.of(candidate(false, "A"), candidate(false, "B"), candidate(false, "C"),
				candidate(false, "A", "C"), candidate(false, "B", "A"), candidate(false, "C"));
		Map<UUID, Set<UUID>> choices = chooseAll(nodes, 5, Map.of());
		assertThat(linked(nodes, choices, 0, 3)).isTrue();
		assertThat(linked(nodes, choices, 0, 4)).isTrue();
		assertThat(linked(nodes, choices, 1, 4)).isTrue();
		assertThat(linked(nodes, choices, 2, 5)).isTrue();
		assertThat(linked(nodes, choices, 0, 5)).isFalse();
		assertThat(linked(nodes, choices, 0, 1)).isFalse();
		assertThat(linked(nodes, choices, 1, 2)).isFalse();
	}

	@Test
	void aNodeChoosesOneRootAndARootChoosesTheOtherRoots() {
		Candidate self = candidate(false, "a");
		Candidate nearRoot = candidate(true);
		Candidate farRoot = candidate(true);
		Candidate peer = candidate(false, "a");
		Set<UUID> chosen = new Pairing(5).choose(self, Set.of(), List.of(farRoot, nearRoot, peer),
				Map.of(nearRoot.id(), 1.0, farRoot.id(), 9.0));
		assertThat(chosen).containsExactlyInAnyOrder(nearRoot.id(), peer.id());
		Set<UUID> ofRoot = new Pairing(5).choose(nearRoot, Set.of(), List.of(farRoot, self, peer), Map.of());
		assertThat(ofRoot).containsExactly(farRoot.id());
	}

	@Test
	void aPublisherLinksToSubscribersOfItsTopicUnlessARootCarriesIt() {
		Candidate publisher = candidate(false, "own");
		Candidate subscriber = candidate(false, "news");
		Candidate other = candidate(false, "sports");
		Set<UUID> chosen = new Pairing(1).choose(publisher, Set.of("news"), List.of(subscriber, other), Map.of());
		assertThat(chosen).containsExactly(subscriber.id());
		Candidate root = candidate(true);
		assertThat(new Pairing(1).choose(publisher, Set.of("news"), List.of(subscriber, other, root), Map.of()))
			.containsExactly(root.id());
	}

	@Test
	void theLimitIsAtLeastOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Pairing(0));
	}

	private static Candidate candidate(boolean root, String... topics) {
		return new Candidate(UUID.randomUUID(), Set.of(topics), root);
	}

	private static Map<UUID, Set<UUID>> chooseAll(List<Candidate> nodes, int limit, Map<UUID, Double> latency) {
		Pairing pairing = new Pairing(limit);
		Map<UUID, Set<UUID>> choices = new HashMap<>();
		for (Candidate node : nodes) {
			List<Candidate> others = nodes.stream().filter(other -> other != node).toList();
			choices.put(node.id(), pairing.choose(node, Set.of(), others, latency));
		}
		return choices;
	}

	private static boolean linked(List<Candidate> nodes, Map<UUID, Set<UUID>> choices, int a, int b) {
		UUID first = nodes.get(a).id();
		UUID second = nodes.get(b).id();
		return choices.get(first).contains(second) || choices.get(second).contains(first);
	}

	/** The nodes reachable from {@code start} over the links the choices make (links go both ways). */
	private static Set<UUID> reachable(UUID start, Map<UUID, Set<UUID>> choices) {
		Map<UUID, Set<UUID>> links = new HashMap<>();
		choices.forEach((node, chosen) -> chosen.forEach(other -> {
			links.computeIfAbsent(node, key -> new HashSet<>()).add(other);
			links.computeIfAbsent(other, key -> new HashSet<>()).add(node);
		}));
		Set<UUID> seen = new HashSet<>(Set.of(start));
		Deque<UUID> todo = new ArrayDeque<>(seen);
		while (!todo.isEmpty()) {
			Collection<UUID> next = links.getOrDefault(todo.poll(), Set.of());
			next.stream().filter(seen::add).forEach(todo::add);
		}
		return seen;
	}

}
