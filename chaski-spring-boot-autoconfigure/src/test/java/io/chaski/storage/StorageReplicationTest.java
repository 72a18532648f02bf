package io.chaski.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.chaski.node.ChaskiNode;
import io.chaski.storage.ReplicationMessages.Purpose;
import io.chaski.testing.RawPeer;
import io.chaski.testing.TestNodes;
import io.chaski.wire.DefaultPayloadCodec;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;

/**
 * Replication between real nodes over loopback, each with its own SQLite file: contents are compared as full dumps
 * of the files (every row with its clock, writer and tombstone flag), not through the API.
 */
class StorageReplicationTest {

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@TempDir
	Path directory;

	private final List<ChaskiStorage> storages = new ArrayList<>();

	/** Longer than any test: what converges within the test came by push or by the anti-entropy on join. */
	private final ReplicationSettings replication = ReplicationSettings.enabledWithDefaults()
		.withAntiEntropyInterval(Duration.ofMinutes(10));

	private ChaskiStorage open(ChaskiNode node, String file, ReplicationSettings settings, Clock clock) {
		ChaskiStorage storage = ChaskiStorage.open(node,
				StorageSettings.of(this.directory.resolve(file + ".db")).withReplication(settings),
				new DefaultPayloadCodec(), clock);
		this.storages.add(storage);
		return storage;
	}

	private ChaskiStorage open(ChaskiNode node) {
		return open(node, node.name(), this.replication, Clock.systemUTC());
	}

	@AfterEach
	void close() {
		this.storages.forEach(ChaskiStorage::close);
	}

	private void close(ChaskiStorage storage) {
		storage.close();
		this.storages.remove(storage);
	}

	/** @return every row of the file, tombstones included, with its version */
	private static List<String> dump(ChaskiStorage storage) {
		return storage.store()
			.rows()
			.findEveryEntry()
			.stream()
			.map(row -> row.key() + " " + row.hlc() + " " + row.origin() + " " + row.deleted() + " " + row.expiresAt()
					+ " " + row.contentType() + " " + Base64.getEncoder().encodeToString(row.value()))
			.toList();
	}

	private static void awaitConverged(ChaskiStorage first, ChaskiStorage... others) {
		// generous: a machine loaded by parallel builds slows the rounds down a lot
		await("replicas converge").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			List<String> expected = dump(first);
			for (ChaskiStorage other : others) {
				assertThat(dump(other)).isEqualTo(expected);
			}
		});
	}

	@Test
	void concurrentWritesToTheSameKeysConvergeOnThreeNodesThroughARelay() throws Exception {
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode b = this.nodes.start("b");
		ChaskiNode c = this.nodes.start("c");
		ChaskiStorage sa = open(a);
		ChaskiStorage sb = open(b);
		ChaskiStorage sc = open(c);
		// a line: a and c are not linked, b relays between them
		TestNodes.connect(a, b);
		TestNodes.connect(b, c);

		ExecutorService writers = Executors.newFixedThreadPool(3);
		try {
			List<CompletableFuture<Void>> done = new ArrayList<>();
			for (ChaskiStorage storage : List.of(sa, sb, sc)) {
				done.add(CompletableFuture.runAsync(() -> {
					for (int i = 0; i < 100; i++) {
						String key = "key-" + (i % 20);
						if (i % 7 == 3) {
							storage.delete(key);
						}
						else {
							storage.put(key, storage.file().getFileName() + "-" + i);
						}
					}
				}, writers));
			}
			CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		}
		finally {
			writers.shutdownNow();
		}

		awaitConverged(sa, sb, sc);
		assertThat(dump(sa)).hasSize(20);
		for (int i = 0; i < 20; i++) {
			assertThat(sc.get("key-" + i, String.class)).isEqualTo(sa.get("key-" + i, String.class));
		}
		assertThat(sc.stats().replication().applied()).as("c got a's writes only through b").isPositive();
		assertThat(sb.stats().replication().lagMillis(99)).isGreaterThanOrEqualTo(0);
	}

	@Test
	void aNodeStoppedWrittenAroundAndRestartedOnItsFileConverges() {
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode b = this.nodes.start("b");
		ChaskiNode c = this.nodes.start("c");
		ChaskiStorage sa = open(a);
		ChaskiStorage sb = open(b);
		ChaskiStorage sc = open(c);
		TestNodes.connect(a, b);
		TestNodes.connect(b, c);
		TestNodes.connect(a, c);
		for (int i = 0; i < 50; i++) {
			sa.put("k" + i, "v" + i);
		}
		awaitConverged(sa, sb, sc);

		close(sc);
		c.close();
		for (int i = 0; i < 10; i++) {
			sa.put("k" + i, "changed" + i);
			sb.delete("k" + (10 + i));
			sb.put("new" + i, i);
		}
		awaitConverged(sa, sb);

		ChaskiNode again = this.nodes.start("c");
		ChaskiStorage restarted = open(again, "c", this.replication, Clock.systemUTC());
		assertThat(restarted.get("k0", String.class)).as("the file kept what it had").contains("v0");
		TestNodes.connect(again, a);

		awaitConverged(sa, sb, restarted);
		assertThat(restarted.get("k0", String.class)).contains("changed0");
		assertThat(restarted.contains("k10")).isFalse();
		assertThat(restarted.get("new3", Integer.class)).contains(3);
	}

	@Test
	void aHealedPartitionConvergesByExchangingOnlyWhatDiffers() {
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode b = this.nodes.start("b");
		ChaskiStorage sa = open(a);
		ChaskiStorage sb = open(b);
		TestNodes.connect(a, b);
		for (int i = 0; i < 300; i++) {
			sa.put("common" + i, "v" + i);
		}
		awaitConverged(sa, sb);

		a.disconnect(b.id());
		TestNodes.awaitPeerCount(a, 0);
		TestNodes.awaitPeerCount(b, 0);
		for (int i = 0; i < 5; i++) {
			sa.put("common" + i, "a" + i);
			sb.put("common" + (3 + i), "b" + i);
		}
		sb.delete("common9");
		sa.put("only-a", "x");
		sb.put("only-b", "y");
		assertThat(dump(sa)).isNotEqualTo(dump(sb));
		long appliedBefore = sa.stats().replication().applied() + sb.stats().replication().applied();

		TestNodes.connect(b, a);

		awaitConverged(sa, sb);
		long applied = sa.stats().replication().applied() + sb.stats().replication().applied() - appliedBefore;
		// 8 keys written on either side, a delete and two new keys: at most 11 rows cross, not 300
		assertThat(applied).isBetween(1L, 11L);
		assertThat(sa.stats().replication().rounds() + sb.stats().replication().rounds()).isPositive();
		assertThat(sa.contains("common9")).isFalse();
		assertThat(sa.get("only-b", String.class)).contains("y");
	}

	@Test
	void aNewNodeGetsTheFullStateByAntiEntropyInManySmallRounds() {
		ReplicationSettings small = this.replication.withMaxKeysPerMessage(16);
		ChaskiNode a = this.nodes.start("a");
		ChaskiStorage sa = open(a, "a", small, Clock.systemUTC());
		for (int i = 0; i < 400; i++) {
			sa.put("key" + i, "value" + i);
		}
		for (int i = 0; i < 400; i += 10) {
			sa.delete("key" + i);
		}

		ChaskiNode b = this.nodes.start("b");
		ChaskiStorage sb = open(b, "b", small, Clock.systemUTC());
		TestNodes.connect(b, a);

		awaitConverged(sa, sb);
		assertThat(sb.size()).isEqualTo(360);
		assertThat(sb.tombstones()).isEqualTo(40);
		assertThat(sb.stats().replication().antiEntropyBytes()).isPositive();
	}

	@Test
	void twoNodesWithTheirOwnDataConvergeInRoundsThatFollowEachOther() {
		ReplicationSettings small = this.replication.withMaxKeysPerMessage(32);
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode b = this.nodes.start("b");
		ChaskiStorage sa = open(a, "a", small, Clock.systemUTC());
		ChaskiStorage sb = open(b, "b", small, Clock.systemUTC());
		for (int i = 0; i < 150; i++) {
			sa.put("a" + i, i);
			sb.put("b" + i, i);
		}

		TestNodes.connect(b, a);

		awaitConverged(sa, sb);
		assertThat(sa.size()).isEqualTo(300);
		// each answer lists at most 32 keys and says when it left buckets out: the next round follows at once
		assertThat(sb.stats().replication().rounds() + sa.stats().replication().rounds()).isGreaterThan(4);
	}

	@Test
	void aRawPeersWritesAreAppliedByLastWriterWinsAndFarFutureOrMalformedOnesRefused() {
		ChaskiNode a = this.nodes.start("a");
		ChaskiStorage sa = open(a);
		long now = System.currentTimeMillis();
		String origin = "00000000-0000-0000-0000-00000000beef";
		StorageEntry future = new StorageEntry("future", new byte[] { 1 }, null, 0,
				(now + Duration.ofHours(1).toMillis()) << HybridClock.LOGICAL_BITS, origin, false);
		StorageEntry fine = new StorageEntry("fine", new byte[] { 2 }, null, 0, now << HybridClock.LOGICAL_BITS,
				origin, false);
		try (RawPeer peer = RawPeer.connect(a)) {
			peer.handshake("raw", List.of(ReplicationLinks.TOPIC));
			peer.send(writes(peer, ReplicationMessages.writes(Purpose.PUSH, List.of(future, fine))));
			await().atMost(TestNodes.SETTLE).until(() -> sa.stats().replication().applied() == 1);
			assertThat(sa.stats().replication().refused()).isEqualTo(1);
			assertThat(sa.get("future", byte[].class)).isEmpty();
			assertThat(sa.get("fine", byte[].class)).hasValueSatisfying(value -> assertThat(value).containsExactly(2));

			// the same write again, then an older one arriving last: both stale, the newest value stays
			StorageEntry older = new StorageEntry("fine", new byte[] { 9 }, null, 0, fine.hlc() - 1, origin, false);
			peer.send(writes(peer, ReplicationMessages.writes(Purpose.PUSH, List.of(fine, older))));
			await().atMost(TestNodes.SETTLE).until(() -> sa.stats().replication().stale() == 2);
			assertThat(sa.get("fine", byte[].class)).hasValueSatisfying(value -> assertThat(value).containsExactly(2));

			// a tombstone that carries a value, and a truncated message: refused, counted, connection kept
			byte[] tombstoneWithValue = ReplicationMessages.writes(Purpose.PUSH,
					List.of(new StorageEntry("gone", new byte[] { 3 }, null, now + 60_000, now << HybridClock.LOGICAL_BITS,
							origin, true)));
			byte[] valid = ReplicationMessages.writes(Purpose.PUSH, List.of(fine));
			peer.send(writes(peer, tombstoneWithValue), writes(peer, Arrays.copyOf(valid, valid.length - 1)));
			await().atMost(TestNodes.SETTLE).until(() -> sa.stats().requestsRejected() == 2);
			assertThat(sa.contains("gone")).isFalse();
			assertThat(peer.roundTrip(TestNodes.SETTLE)).as("the connection stays open").isTrue();
		}
	}

	private static Envelope writes(RawPeer peer, byte[] payload) {
		return Envelope.control(EnvelopeKind.STORAGE_REPL_WRITES, peer.id(), peer.nextId(), payload);
	}

	@Test
	void deletesAreTombstonesPurgedAfterTheirGracePeriod() {
		MutableClock clock = new MutableClock();
		ChaskiNode a = this.nodes.start("a");
		ChaskiStorage sa = open(a, "a", this.replication, clock);
		sa.put("k", "v");
		assertThat(sa.take("k", String.class)).contains("v");
		sa.put("other", "w");
		sa.delete("other");
		assertThat(sa.tombstones()).isEqualTo(2);
		assertThat(sa.keys("")).isEmpty();
		assertThat(sa.size()).isZero();

		clock.advance(Duration.ofHours(24));
		assertThat(sa.purgeExpired()).isEqualTo(2);
		assertThat(sa.tombstones()).isZero();
		assertThat(dump(sa)).isEmpty();
	}

}
