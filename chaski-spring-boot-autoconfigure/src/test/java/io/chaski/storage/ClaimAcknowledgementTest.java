package io.chaski.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.chaski.node.ChaskiNode;
import io.chaski.testing.RawPeer;
import io.chaski.testing.TestNodes;
import io.chaski.wire.DefaultPayloadCodec;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;

/**
 * A holder deletes a claimed key only when its claimer acknowledges that it has it: hand-driven claimers (raw
 * sockets that speak the storage protocol) that never acknowledge, vanish, or acknowledge what they were not
 * sent. The holder's keep-alive is off so that only the test decides when a raw claimer's link closes.
 */
class ClaimAcknowledgementTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@TempDir
	Path directory;

	private final MutableClock clock = new MutableClock();

	private final List<ChaskiStorage> storages = new ArrayList<>();

	private final List<RawPeer> raws = new ArrayList<>();

	@AfterEach
	void close() {
		this.raws.forEach(RawPeer::close);
		this.storages.forEach(ChaskiStorage::close);
	}

	private ChaskiNode holderNode() {
		return this.nodes.start(this.nodes.builder("holder").keepAliveInterval(Duration.ZERO));
	}

	private ChaskiStorage storage(ChaskiNode node, Duration fetchTimeout) {
		return open(node, StorageSettings.of(this.directory.resolve(node.name() + ".db")).withFetchTimeout(fetchTimeout));
	}

	private ChaskiStorage replicating(ChaskiNode node, Duration fetchTimeout) {
		return open(node, StorageSettings.of(this.directory.resolve(node.name() + ".db"))
			.withFetchTimeout(fetchTimeout)
			.withReplication(ReplicationSettings.enabledWithDefaults().withAntiEntropyInterval(Duration.ofMinutes(10))));
	}

	private ChaskiStorage open(ChaskiNode node, StorageSettings settings) {
		ChaskiStorage storage = ChaskiStorage.open(node, settings, new DefaultPayloadCodec(), this.clock);
		this.storages.add(storage);
		return storage;
	}

	private RawPeer raw(ChaskiNode node, String name) {
		RawPeer peer = RawPeer.connect(node);
		this.raws.add(peer);
		peer.handshake(name, List.of());
		return peer;
	}

	private static void send(RawPeer peer, EnvelopeKind kind, byte[] payload) {
		peer.send(Envelope.control(kind, peer.id(), peer.nextId(), payload));
	}

	private static byte[] correlation(long correlation) {
		return StorageMessages.correlation(correlation);
	}

	/** Claims a key as a raw claimer up to the holder's answer with the value, without acknowledging it. */
	private static byte[] claimWithoutAck(RawPeer claimer, long correlation, String key) {
		send(claimer, EnvelopeKind.STORAGE_CLAIM, StorageMessages.keyRequest(correlation, key));
		Envelope offer = claimer.next(EnvelopeKind.STORAGE_CLAIM_OFFER, TestNodes.SETTLE);
		assertThat(offer).as("an offer").isNotNull();
		assertThat(StorageMessages.readOffer(offer.payload()).held()).as("the key is held for this claimer").isTrue();
		send(claimer, EnvelopeKind.STORAGE_CLAIM_ACCEPT, correlation(correlation));
		Envelope done = claimer.next(EnvelopeKind.STORAGE_CLAIM_DONE, TestNodes.SETTLE);
		assertThat(done).as("the value").isNotNull();
		StorageEntry entry = StorageMessages.readEntryReply(done.payload(), key, 1 << 20).entry();
		assertThat(entry).as("the holder sent the value").isNotNull();
		return entry.value();
	}

	private ChaskiStorage claimerNode(ChaskiNode holder) {
		ChaskiNode node = this.nodes.start("claimer");
		ChaskiStorage storage = storage(node, Duration.ofSeconds(5));
		TestNodes.connect(node, holder);
		return storage;
	}

	private static <T> T get(CompletableFuture<T> future) throws Exception {
		return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Test
	void aClaimerThatNeverAcknowledgesLeavesTheValueWithTheHolderWhereALaterClaimGetsIt() throws Exception {
		ChaskiNode holder = holderNode();
		// the deadline lifts the mark; long enough for the checks below on a busy machine
		ChaskiStorage sh = storage(holder, Duration.ofSeconds(4));
		sh.put("job", "the only copy");
		ChaskiStorage other = claimerNode(holder);
		RawPeer silent = raw(holder, "silent");

		assertThat(new String(claimWithoutAck(silent, 1, "job"), StandardCharsets.UTF_8))
			.isEqualTo("the only copy");
		// sent, not acknowledged: still stored, hidden from every other claim and take
		assertThat(sh.heldForClaimers()).isEqualTo(1);
		assertThat(sh.contains("job")).isTrue();
		assertThat(sh.take("job", String.class)).as("a local take meets the claim-pending mark").isEmpty();
		assertThat(get(other.claim("job", String.class))).as("a second claimer is refused").isEmpty();

		await("the holder restores the unacknowledged value").atMost(WAIT)
			.until(() -> sh.stats().claimsRestored() == 1 && sh.heldForClaimers() == 0);
		assertThat(get(other.claim("job", String.class))).contains("the only copy");
		await("the acknowledged claim deletes it at the holder").atMost(WAIT).until(() -> !sh.contains("job"));
		assertThat(other.contains("job")).as("a claim hands the value over, it keeps no copy").isFalse();
		assertThat(sh.stats().claimAcksIgnored()).isZero();
	}

	@Test
	void theLinkToTheClaimerClosingBeforeItsAcknowledgementRestoresTheValue() throws Exception {
		ChaskiNode holder = holderNode();
		// a deadline far beyond the wait below: only the closed link can lift the mark in time
		ChaskiStorage sh = storage(holder, Duration.ofMinutes(10));
		sh.put("job", "kept");
		ChaskiStorage other = claimerNode(holder);
		RawPeer vanishing = raw(holder, "vanishing");
		claimWithoutAck(vanishing, 7, "job");
		assertThat(sh.heldForClaimers()).isEqualTo(1);

		vanishing.close();
		await("the closed link restores the value").atMost(WAIT)
			.until(() -> sh.stats().claimsRestored() == 1 && sh.heldForClaimers() == 0);
		assertThat(sh.get("job", String.class)).contains("kept");
		assertThat(get(other.claim("job", String.class))).contains("kept");
	}

	@Test
	void acknowledgementsOfNothingSentOrFromAnotherPeerAreIgnoredAndCounted() throws Exception {
		ChaskiNode holder = holderNode();
		ChaskiStorage sh = storage(holder, Duration.ofMinutes(10));
		sh.put("job", "guarded");
		RawPeer claimer = raw(holder, "claimer");
		RawPeer intruder = raw(holder, "intruder");

		// acknowledged before the holder sent anything: the hold is only offered
		send(claimer, EnvelopeKind.STORAGE_CLAIM, StorageMessages.keyRequest(3, "job"));
		assertThat(claimer.next(EnvelopeKind.STORAGE_CLAIM_OFFER, TestNodes.SETTLE)).isNotNull();
		send(claimer, EnvelopeKind.STORAGE_CLAIM_ACK, correlation(3));
		await("the early acknowledgement is counted").atMost(WAIT).until(() -> sh.stats().claimAcksIgnored() == 1);
		send(claimer, EnvelopeKind.STORAGE_CLAIM_ACCEPT, correlation(3));
		assertThat(claimer.next(EnvelopeKind.STORAGE_CLAIM_DONE, TestNodes.SETTLE)).isNotNull();

		send(claimer, EnvelopeKind.STORAGE_CLAIM_ACK, correlation(99)); // an id nobody claimed with
		send(intruder, EnvelopeKind.STORAGE_CLAIM_ACK, correlation(3)); // the claimer's id, another peer
		send(intruder, EnvelopeKind.STORAGE_CLAIM_ACK, ByteBuffer.allocate(3).array()); // malformed
		await("every hostile acknowledgement is counted").atMost(WAIT)
			.until(() -> sh.stats().claimAcksIgnored() == 3 && sh.stats().requestsRejected() == 4);
		assertThat(sh.contains("job")).as("none of them deleted the value").isTrue();
		assertThat(sh.heldForClaimers()).as("nor lifted the claimer's mark").isEqualTo(1);

		send(claimer, EnvelopeKind.STORAGE_CLAIM_ACK, correlation(3));
		await("the claimer's acknowledgement deletes it").atMost(WAIT)
			.until(() -> !sh.contains("job") && sh.heldForClaimers() == 0);
		assertThat(sh.stats().claimAcksIgnored()).isEqualTo(3);
		assertThat(sh.stats().claimsRestored()).isZero();
	}

	@Test
	void aValueWrittenAgainWhileItsClaimIsPendingSurvivesTheAcknowledgement() throws Exception {
		ChaskiNode holder = holderNode();
		ChaskiStorage sh = storage(holder, Duration.ofMinutes(10));
		sh.put("job", "first");
		RawPeer claimer = raw(holder, "claimer");
		claimWithoutAck(claimer, 5, "job");

		sh.put("job", "second");
		send(claimer, EnvelopeKind.STORAGE_CLAIM_ACK, correlation(5));
		await("the acknowledgement lifts the mark").atMost(WAIT).until(() -> sh.heldForClaimers() == 0);
		assertThat(sh.get("job", String.class)).as("only the version sent is deleted").contains("second");
	}

	@Test
	void aValueThatReachesTheClaimerAfterItsTimeoutIsGivenBackToTheHolder() throws Exception {
		ChaskiNode claimerNode = this.nodes.start(this.nodes.builder("late-claimer").keepAliveInterval(Duration.ZERO));
		ChaskiStorage claimer = storage(claimerNode, Duration.ofMillis(300));
		RawPeer holder = RawPeer.connect(claimerNode);
		this.raws.add(holder);
		holder.handshake("raw-holder", List.of());
		TestNodes.awaitPeerCount(claimerNode, 1);

		CompletableFuture<Optional<String>> claim = claimer.claim("job", String.class);
		Envelope request = holder.next(EnvelopeKind.STORAGE_CLAIM, TestNodes.SETTLE);
		long id = StorageMessages.readKeyRequest(request.payload(), 512).correlation();
		send(holder, EnvelopeKind.STORAGE_CLAIM_OFFER, StorageMessages.offer(id, true));
		assertThat(holder.next(EnvelopeKind.STORAGE_CLAIM_ACCEPT, TestNodes.SETTLE)).isNotNull();
		assertThat(get(claim)).as("the claim timed out").isEmpty();

		send(holder, EnvelopeKind.STORAGE_CLAIM_DONE,
				StorageMessages.entryReply(id, new StorageEntry("job", new byte[] { 'x' }, null, 0), 0));
		List<EnvelopeKind> answers = new ArrayList<>();
		Envelope answer;
		do {
			answer = holder.next(TestNodes.SETTLE);
			assertThat(answer).as("an answer to the late value").isNotNull();
			answers.add(answer.kind());
		}
		while (answer.kind() != EnvelopeKind.STORAGE_CLAIM_RELEASE);
		assertThat(answers).as("released, never acknowledged").doesNotContain(EnvelopeKind.STORAGE_CLAIM_ACK);
		assertThat(StorageMessages.readCorrelation(answer.payload())).isEqualTo(id);
		assertThat(claimer.contains("job")).as("the claimer keeps no copy").isFalse();
	}

	@Test
	void aReplicatedClaimWritesItsTombstoneOnlyOnTheAcknowledgement() throws Exception {
		ChaskiNode holder = holderNode();
		ChaskiNode replica = this.nodes.start("replica");
		ChaskiStorage sh = replicating(holder, Duration.ofMinutes(10));
		ChaskiStorage sr = replicating(replica, Duration.ofMinutes(10));
		TestNodes.connect(holder, replica);
		sh.put("job", "replicated");
		await("the replica has the key").atMost(WAIT).until(() -> sr.contains("job"));
		RawPeer claimer = raw(holder, "claimer");
		claimWithoutAck(claimer, 11, "job");

		assertThat(sh.tombstones()).as("no tombstone while the claim is pending").isZero();
		assertThat(sr.contains("job")).isTrue();
		send(claimer, EnvelopeKind.STORAGE_CLAIM_ACK, correlation(11));
		await("the acknowledged claim's tombstone reaches the replica").atMost(WAIT)
			.until(() -> !sr.contains("job") && sr.tombstones() == 1);
		assertThat(sh.contains("job")).isFalse();
		assertThat(sh.tombstones()).isEqualTo(1);
	}

}
