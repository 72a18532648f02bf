package io.chaski.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.chaski.node.ChaskiNode;
import io.chaski.testing.TestNodes;
import io.chaski.wire.DefaultPayloadCodec;

/** Fetch and claim between nodes over real sockets on loopback. */
class StoragePeersTest {

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@TempDir
	Path directory;

	private final MutableClock clock = new MutableClock();

	private final List<ChaskiStorage> storages = new ArrayList<>();

	record Reading(String sensor, double value) {
	}

	private ChaskiStorage storage(ChaskiNode node, Duration fetchTimeout) {
		ChaskiStorage storage = ChaskiStorage.open(node,
				StorageSettings.of(this.directory.resolve(node.name() + ".db")).withFetchTimeout(fetchTimeout),
				new DefaultPayloadCodec(), this.clock);
		this.storages.add(storage);
		return storage;
	}

	private ChaskiStorage storage(ChaskiNode node) {
		return storage(node, Duration.ofSeconds(5));
	}

	@AfterEach
	void close() {
		this.storages.forEach(ChaskiStorage::close);
	}

	private static <T> T await(CompletableFuture<T> future) throws Exception {
		return future.get(TestNodes.SETTLE.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Test
	void fetchGetsAPeersValueAndKeepsACopyWithTheTimeItHadLeft() throws Exception {
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode b = this.nodes.start("b");
		ChaskiStorage sa = storage(a);
		ChaskiStorage sb = storage(b);
		TestNodes.connect(a, b);
		sb.put("sensor/1", new Reading("s1", 20.5), Duration.ofSeconds(60));
		this.clock.advance(Duration.ofSeconds(20));

		assertThat(await(sa.fetch("sensor/1", Reading.class))).contains(new Reading("s1", 20.5));
		assertThat(sa.stats().fetches(StorageStats.Outcome.PEER)).isEqualTo(1);
		assertThat(sb.contains("sensor/1")).as("a fetch copies, it does not move").isTrue();

		// the copy lives 40 s more, not 60
		this.clock.advance(Duration.ofSeconds(39));
		assertThat(sa.get("sensor/1", Reading.class)).isPresent();
		assertThat(await(sa.fetch("sensor/1", Reading.class))).isPresent();
		assertThat(sa.stats().fetches(StorageStats.Outcome.LOCAL)).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(sa.get("sensor/1", Reading.class)).isEmpty();
	}

	@Test
	void threeNodesFetchFromWhoeverHasTheKeyAndAKeyNobodyHasIsEmpty() throws Exception {
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode b = this.nodes.start("b");
		ChaskiNode c = this.nodes.start("c");
		ChaskiStorage sa = storage(a);
		storage(b).put("on-b", "from b");
		storage(c).put("on-c", "from c", Duration.ZERO);
		TestNodes.connect(a, b);
		TestNodes.connect(a, c);

		assertThat(await(sa.fetch("on-b", String.class))).contains("from b");
		assertThat(await(sa.fetch("on-c", String.class))).contains("from c");
		assertThat(sa.keys("on-")).containsExactly("on-b", "on-c");
		// both peers say no: empty at once, long before the 5 s timeout would end it
		CompletableFuture<Optional<String>> nobody = sa.fetch("nowhere", String.class);
		assertThat(await(nobody)).isEmpty();
		assertThat(sa.stats().fetches(StorageStats.Outcome.MISS)).isEqualTo(1);
		assertThat(sa.pendingRequests()).isZero();
	}

	@Test
	void aPeerThatDoesNotAnswerEndsTheFetchEmptyAtTheTimeout() throws Exception {
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode silent = this.nodes.start("silent"); // no storage: it ignores storage envelopes
		ChaskiStorage sa = storage(a, Duration.ofMillis(500));
		TestNodes.connect(a, silent);

		assertThat(await(sa.fetch("k", String.class))).isEmpty();
		assertThat(await(sa.claim("k", String.class))).isEmpty();
		assertThat(sa.pendingRequests()).isZero();
	}

	@Test
	void claimMovesTheValueFromItsHolder() throws Exception {
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode holder = this.nodes.start("holder");
		ChaskiStorage sa = storage(a);
		ChaskiStorage sh = storage(holder);
		TestNodes.connect(a, holder);
		sh.put("job", new Reading("j", 1));

		assertThat(await(sa.claim("job", Reading.class))).contains(new Reading("j", 1));
		// the holder deletes it when the claimer's acknowledgement arrives, just after the claimer has it
		Awaitility.await("the holder deletes the acknowledged value").atMost(TestNodes.SETTLE)
			.until(() -> !sh.contains("job"));
		assertThat(sa.contains("job")).as("a claim hands the value over, it keeps no copy").isFalse();
		assertThat(await(sa.claim("job", Reading.class))).isEmpty();
		assertThat(sa.stats().claims(StorageStats.Outcome.PEER)).isEqualTo(1);
		assertThat(sa.stats().claims(StorageStats.Outcome.MISS)).isEqualTo(1);
	}

	@Test
	void twoNodesRacingToClaimTheSameKeysGetEachExactlyOnce() throws Exception {
		ChaskiNode holder = this.nodes.start("holder");
		ChaskiNode c1 = this.nodes.start("c1");
		ChaskiNode c2 = this.nodes.start("c2");
		ChaskiStorage sh = storage(holder);
		ChaskiStorage s1 = storage(c1);
		ChaskiStorage s2 = storage(c2);
		TestNodes.connect(c1, holder);
		TestNodes.connect(c2, holder);
		TestNodes.connect(c1, c2);
		int keys = 30;
		for (int i = 0; i < keys; i++) {
			sh.put("job-" + i, i);
		}

		int won1 = 0;
		int won2 = 0;
		for (int i = 0; i < keys; i++) {
			CompletableFuture<Optional<Integer>> first = s1.claim("job-" + i, Integer.class);
			CompletableFuture<Optional<Integer>> second = s2.claim("job-" + i, Integer.class);
			Optional<Integer> r1 = await(first);
			Optional<Integer> r2 = await(second);
			assertThat(r1.isPresent() ^ r2.isPresent()).as("exactly one claimer of job-%d wins", i).isTrue();
			assertThat(r1.or(() -> r2)).contains(i);
			won1 += r1.isPresent() ? 1 : 0;
			won2 += r2.isPresent() ? 1 : 0;
		}
		assertThat(won1 + won2).isEqualTo(keys);
		// the value now exists only in the winner's hands: once the acknowledgements arrived, no node stores it
		Awaitility.await("every acknowledged value is deleted at the holder").atMost(TestNodes.SETTLE)
			.until(() -> sh.keys("job-").isEmpty() && sh.heldForClaimers() == 0);
		assertThat(sh.stats().claimsRestored()).as("no value came back to the holder").isZero();
		assertThat(s1.keys("job-")).isEmpty();
		assertThat(s2.keys("job-")).isEmpty();
	}

}
