package io.chaski.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import ch.qos.logback.classic.Level;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.chaski.membership.Member;
import io.chaski.membership.MemberState;
import io.chaski.membership.MembershipSettings;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.ChaskiSubscription;
import io.chaski.transport.Connection;
import io.chaski.testing.LogCapture;
import io.chaski.testing.TestNodes;

/** Nodes linked by membership over real UDP and TCP on loopback. */
class MemberLinksTest {

	private static final MembershipSettings FAST = MembershipSettings.lan()
		.withProbe(Duration.ofMillis(200), Duration.ofMillis(100));

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@RegisterExtension
	final LogCapture logs = new LogCapture();

	private final List<MemberLinks> links = new ArrayList<>();

	@AfterEach
	void closeLinks() {
		this.links.forEach(MemberLinks::close);
	}

	@Test
	void membersThatShareATopicAreLinkedAndOthersAreNotAndTopicsChangedAtRunTimeSpread() {
		ChaskiNode seed = this.nodes.start("seed", "a");
		ChaskiNode sameTopic = this.nodes.start("same", "a");
		ChaskiNode otherTopic = this.nodes.start("other", "b");
		MemberLinks seedLinks = link(seed);
		link(sameTopic, seed);
		MemberLinks otherLinks = link(otherTopic, seed);
		await().atMost(TestNodes.SETTLE).until(() -> seed.peer(sameTopic.id()).isPresent());
		await().atMost(TestNodes.SETTLE).until(() -> aliveCount(otherLinks) == 3 && aliveCount(seedLinks) == 3);
		// its seed is dialled whatever the topics (and keeps the join's full state sync); the member it shares no
		// topic with is not linked
		await().atMost(TestNodes.SETTLE).until(() -> otherTopic.peer(seed.id()).isPresent());
		assertThat(otherTopic.peer(sameTopic.id())).isEmpty();
		// a subscription at run time spreads with gossip and links the nodes
		otherTopic.subscribe("a");
		await().atMost(TestNodes.SETTLE).until(() -> otherTopic.peer(sameTopic.id()).isPresent());
		// and so does its removal: the member's metadata no longer lists the topic anywhere
		otherTopic.unsubscribe("a");
		await().atMost(TestNodes.SETTLE).until(() -> !advertisedTopics(seedLinks, otherTopic).contains("a")
				&& advertisedTopics(seedLinks, otherTopic).contains("b"));
	}

	@Test
	void aMemberBackAfterLongerThanEveryReconnectBudgetIsLinkedAndReceivesAgain() throws Exception {
		ChaskiNode a = this.nodes.start(this.nodes.builder("a").subscriptions("t").reconnectAttempts(1));
		ChaskiNode b = this.nodes.start("b", "t");
		MemberLinks aLinks = link(a);
		MemberLinks bLinks = link(b, a);
		UUID bId = b.id();
		// the seed's TCP link can come before the UDP join: a must know b as a member before b can die to it
		await().atMost(TestNodes.SETTLE).until(() -> a.peer(bId).isPresent()
				&& aLinks.membership().member(bId).map(Member::state).orElse(null) == MemberState.ALIVE);
		int port = b.address().port();
		// gone without a word to membership: its UDP socket vanishes
		bLinks.membership().close();
		b.stop();
		await().atMost(TestNodes.SETTLE).until(() -> aLinks.membership().member(bId).map(Member::state)
			.orElse(null) == MemberState.DEAD);
		ChaskiNode back = this.nodes.start(this.nodes.builder("b-again").subscriptions("t").port(port));
		link(back, a);
		await().atMost(TestNodes.SETTLE).until(() -> a.peer(back.id()).isPresent());
		ChaskiStreamer receiver = this.nodes.streamer(back);
		try (ChaskiSubscription<String> subscription = receiver.subscribe("t", String.class)) {
			await().atMost(TestNodes.SETTLE).untilAsserted(() -> {
				this.nodes.streamer(a).publish("t", "hello");
				assertThat(subscription.poll(Duration.ofMillis(200))).isNotNull();
			});
		}
	}

	@Test
	void aLostLinkIsMadeAgainByMembershipNotByTheBudgetedReconnection() {
		ChaskiNode a = this.nodes.start(this.nodes.builder("a").subscriptions("t").reconnectAttempts(5));
		ChaskiNode b = this.nodes.start(this.nodes.builder("b").subscriptions("t").reconnectAttempts(5));
		link(a);
		link(b, a);
		await().atMost(TestNodes.SETTLE).until(() -> a.peer(b.id()).isPresent() && b.peer(a.id()).isPresent());
		// one link remains between the two: the side that opened it is the one that would redial
		ChaskiNode opener = b.peer(a.id()).orElseThrow().initiatedLocally() ? b : a;
		ChaskiNode other = (opener == a) ? b : a;
		Connection lost = edgeTo(opener, other).orElseThrow().connection();
		// the other side drops the link without a goodbye: for the opener, the connection failed (a connection
		// both dialled at once, still held as a duplicate, may take over: the link lives on just the same)
		edgeTo(other, opener).orElseThrow().connection().close();
		await().atMost(TestNodes.SETTLE).until(() -> edgeTo(opener, other).map(Edge::connection)
			.filter(connection -> connection != lost && connection.isOpen()).isPresent());
		assertThat(this.logs.messages(Level.INFO)).noneMatch(line -> line.contains(" reconnects to "));
	}

	private MemberLinks link(ChaskiNode node, ChaskiNode... seeds) {
		List<String> addresses = List.of(seeds).stream().map(seed -> seed.address().hostAndPort()).toList();
		MemberLinks started = MemberLinks.start(node, FAST, 0, addresses);
		this.links.add(started);
		return started;
	}

	private static Optional<Edge> edgeTo(ChaskiNode node, ChaskiNode peer) {
		return node.edges().stream().filter(edge -> edge.nodeId().equals(peer.id())).findFirst();
	}

	private static List<String> advertisedTopics(MemberLinks links, ChaskiNode member) {
		return links.membership().member(member.id()).map(known -> known.metadata().subscriptions()).orElseThrow();
	}

	private static long aliveCount(MemberLinks links) {
		return links.membership().members().stream().filter(member -> member.state() == MemberState.ALIVE).count();
	}

}
