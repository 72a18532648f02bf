package io.chaski.node;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.chaski.transport.Connection;
import io.chaski.transport.TestConnections;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The overflow policies of an edge's bounded outbound queue, with the writer not running so the queue only
 * fills. Then the writer is started against a
 * socket-less connection to see exactly what stayed queued. (Against a real stalled peer: {@code SlowConsumerTest}.)
 */
class EdgeOverflowTest {

	private static final int CAPACITY = 4;

	private final NodeStats stats = new NodeStats();

	private final List<Envelope> sent = new CopyOnWriteArrayList<>();

	private Edge edge;

	@AfterEach
	void closeEdge() {
		if (this.edge != null) {
			this.edge.close();
		}
	}

	@Test
	void failRefusesAtOnceWhenFullAndCountsIt() {
		Edge edge = edge(OverflowPolicy.FAIL, Duration.ofSeconds(30));
		for (int i = 1; i <= CAPACITY; i++) {
			assertThat(edge.offer(message(i))).isTrue();
		}
		long start = System.nanoTime();
		assertThat(edge.offer(message(5))).isFalse();
		assertThat(edge.offer(message(6))).isFalse();
		// far below the 30 s send timeout: it did not wait
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
		assertThat(this.stats.dropped()).isEqualTo(2);
		assertThat(queued(edge)).containsExactly(1L, 2L, 3L, 4L);
	}

	@Test
	void dropOldestMakesRoomForTheNewestAndCountsEachDrop() {
		Edge edge = edge(OverflowPolicy.DROP_OLDEST, Duration.ofSeconds(30));
		for (int i = 1; i <= 10; i++) {
			assertThat(edge.offer(message(i))).isTrue();
		}
		assertThat(this.stats.dropped()).isEqualTo(10 - CAPACITY);
		assertThat(queued(edge)).containsExactly(7L, 8L, 9L, 10L);
	}

	@Test
	void waitGivesUpAfterTheSendTimeoutAndCountsIt() {
		Edge edge = edge(OverflowPolicy.WAIT, Duration.ofMillis(150));
		for (int i = 1; i <= CAPACITY; i++) {
			assertThat(edge.offer(message(i))).isTrue();
		}
		long start = System.nanoTime();
		assertThat(edge.offer(message(5))).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(140));
		assertThat(this.stats.dropped()).isEqualTo(1);
		assertThat(queued(edge)).containsExactly(1L, 2L, 3L, 4L);
	}

	private static final long RELAY_WAIT = Duration.ofMillis(150).toNanos();

	@Test
	void aRelayWaitsForRoomOnceThenGivesUpAtOnceUntilTheQueueMoves() {
		Edge edge = edge(OverflowPolicy.WAIT, Duration.ofSeconds(30));
		for (int i = 1; i <= CAPACITY; i++) {
			assertThat(edge.offerRelay(message(i), RELAY_WAIT)).isTrue();
		}
		long start = System.nanoTime();
		assertThat(edge.offerRelay(message(5), RELAY_WAIT)).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited the relay wait")
			.isGreaterThanOrEqualTo(Duration.ofMillis(140));
		edge.reserve(0); // refused too: the queue is full (a publisher is never refused for a stall alone)
		start = System.nanoTime();
		for (int i = 6; i < 100; i++) {
			assertThat(edge.offerRelay(message(i), RELAY_WAIT)).isFalse();
		}
		// 94 refusals that each waited would take 94 x 150 ms: a generous bound still tells the two apart
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("stalled: no second wait")
			.isLessThan(Duration.ofSeconds(5));
		assertThat(this.stats.dropped()).isEqualTo(1 + 1 + 94);
		assertThat(queued(edge)).containsExactly(1L, 2L, 3L, 4L);
		// once the writer has sent them, relays are taken again
		await().atMost(Duration.ofSeconds(5)).until(() -> edge.offerRelay(message(100), RELAY_WAIT));
	}

	@Test
	void aReservedPlaceCountsAgainstTheCapacityUntilCommittedOrReleased() {
		Edge edge = edge(OverflowPolicy.FAIL, Duration.ofSeconds(30));
		for (int i = 1; i < CAPACITY; i++) {
			assertThat(edge.offer(message(i))).isTrue();
		}
		assertThat(edge.reserve(0)).isZero();
		assertThat(edge.offer(message(90))).as("the last place is held").isFalse();
		edge.release();
		assertThat(edge.reserve(0)).isZero();
		edge.commit(message(91));
		assertThat(edge.reserve(0)).isNegative();
		assertThat(this.stats.dropped()).isEqualTo(2);
		assertThat(queued(edge)).containsExactly(1L, 2L, 3L, 91L);
	}

	@Test
	void aClosedEdgeTakesNothing() {
		Edge edge = edge(OverflowPolicy.WAIT, Duration.ofSeconds(30));
		edge.close();
		assertThat(edge.offer(message(1))).isFalse();
	}

	@Test
	void controlEnvelopesDoNotCountAgainstTheDataQueue() {
		Edge edge = edge(OverflowPolicy.FAIL, Duration.ofSeconds(30));
		for (int i = 1; i <= CAPACITY; i++) {
			assertThat(edge.offer(message(i))).isTrue();
		}
		edge.offerControl(Envelope.control(EnvelopeKind.PING, UUID.randomUUID(), 99, null));
		assertThat(this.stats.dropped()).isZero();
		assertThat(queued(edge)).containsExactly(1L, 2L, 3L, 4L);
		assertThat(this.sent).extracting(Envelope::kind).contains(EnvelopeKind.PING);
	}

	private Edge edge(OverflowPolicy policy, Duration sendTimeout) {
		NodeSettings settings = ChaskiNode.builder().name("local").outboundQueueCapacity(CAPACITY)
			.overflowPolicy(policy).sendTimeout(sendTimeout).settings();
		Handshake peer = new Handshake(1, UUID.randomUUID(), "peer", "127.0.0.1", 7000, false, Set.of("t"));
		// the writer is not started yet: nothing drains until queued(edge) starts it
		this.edge = new Edge(peer, TestConnections.capturing(this.sent::add), settings, this.stats, "local",
				new Handover() {

					@Override
					public Envelope envelope() {
						return Envelope.control(EnvelopeKind.HANDOVER, UUID.randomUUID(), 0, null);
					}

					@Override
					public void done(Connection connection) {
					}

				});
		return this.edge;
	}

	private static Envelope message(long id) {
		return new Envelope(EnvelopeKind.PUBLISH, UUID.randomUUID(), id, 1, 0, "t", Map.of(), new byte[1]);
	}

	/** Starts the writer and returns the ids of the data messages it sends, in order. */
	private List<Long> queued(Edge edge) {
		edge.startWriter();
		int expected = edge.info().queuedMessages();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.sent.size() >= expected);
		return this.sent.stream().filter(e -> e.kind() == EnvelopeKind.PUBLISH).map(Envelope::id).toList();
	}

}
