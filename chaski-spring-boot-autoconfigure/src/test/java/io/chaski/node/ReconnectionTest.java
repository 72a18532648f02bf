package io.chaski.node;

import java.time.Duration;
import java.util.UUID;

import io.chaski.streamer.ChaskiSubscription;
import io.chaski.testing.LogCapture;
import io.chaski.testing.Receive;
import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static io.chaski.testing.TestNodes.awaitLinked;
import static io.chaski.testing.TestNodes.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A lost connection is redialled with backoff by the node that opened it; a goodbye is not.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TransportMode.class)
class ReconnectionTest {

	/** Longer than the test backoff (50..200 ms) several times over. */
	private static final Duration NO_RECONNECT_WINDOW = Duration.ofMillis(700);

	@RegisterExtension
	final TestNodes nodes;

	ReconnectionTest(TransportMode mode) {
		this.nodes = new TestNodes("127.0.0.1", mode);
	}

	@RegisterExtension
	final LogCapture logs = new LogCapture();

	@Test
	void aDroppedPeerIsReconnectedAndTrafficResumes() {
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode b = this.nodes.start("b", "t");
		ChaskiSubscription<String> atB = this.nodes.streamer(b).subscribe("t", String.class);
		connect(a, b);
		var before = a.peer(b.id()).orElseThrow().connectedSince();

		drop(b, a.id());

		await().atMost(TestNodes.SETTLE).until(() -> a.stats().reconnects() == 1);
		awaitLinked(a, b);
		assertThat(a.peer(b.id()).orElseThrow().connectedSince()).isAfter(before);
		assertThat(a.peer(b.id()).orElseThrow().subscriptions()).containsExactly("t");
		this.nodes.streamer(a).publish("t", "after the drop");
		assertThat(Receive.payloads(atB, 1)).containsExactly("after the drop");
		assertThat(b.stats().reconnects()).as("the side that did not dial does not redial").isZero();
	}

	@Test
	void aGoodbyeIsNotReconnected() {
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode b = this.nodes.start("b");
		connect(a, b);
		assertThat(b.disconnect(a.id())).isTrue();
		// b still listens: a reconnect would succeed, yet a must not try
		await().during(NO_RECONNECT_WINDOW).atMost(NO_RECONNECT_WINDOW.plus(TestNodes.SETTLE))
			.until(() -> a.peers().isEmpty() && b.peers().isEmpty());
		assertThat(a.stats().reconnects()).isZero();
	}

	@Test
	void aGracefulStopIsNotReconnected() {
		ChaskiNode a = this.nodes.start("a");
		ChaskiNode b = this.nodes.start("b");
		connect(a, b);
		int port = b.address().port();
		b.stop();
		await().atMost(TestNodes.SETTLE).until(() -> a.peers().isEmpty());
		// something listens at b's address again: a would find it if it redialled
		ChaskiNode successor = this.nodes.start(this.nodes.builder("b-again").port(port));
		await().during(NO_RECONNECT_WINDOW).atMost(NO_RECONNECT_WINDOW.plus(TestNodes.SETTLE))
			.until(() -> a.peers().isEmpty() && successor.peers().isEmpty());
		assertThat(this.logs.messages(ch.qos.logback.classic.Level.INFO))
			.noneMatch(line -> line.contains("Node a reconnects"));
	}

	@Test
	void zeroReconnectAttemptsDisablesReconnection() {
		ChaskiNode a = this.nodes.start(this.nodes.builder("a").reconnectAttempts(0));
		ChaskiNode b = this.nodes.start("b");
		connect(a, b);
		drop(b, a.id());
		await().during(NO_RECONNECT_WINDOW).atMost(NO_RECONNECT_WINDOW.plus(TestNodes.SETTLE))
			.until(() -> a.peers().isEmpty() && b.peers().isEmpty());
		assertThat(a.stats().reconnects()).isZero();
	}

	@Test
	void reconnectionGivesUpAfterItsAttempts() {
		ChaskiNode a = this.nodes.start(this.nodes.builder("a").reconnectAttempts(2)
			.reconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(1)));
		ChaskiNode b = this.nodes.start("b");
		connect(a, b);
		drop(b, a.id());
		b.stop(); // gone before the first attempt (at least 500 ms away, time for a stop on a busy machine)
		await().atMost(TestNodes.SETTLE)
			.until(() -> this.logs.hasWarning("Node a gave up reconnecting to b@") && this.logs.hasWarning("after 2 attempts"));
		assertThat(a.peers()).isEmpty();
		assertThat(a.stats().reconnects()).isZero();
	}

	/** Closes the connection from {@code node}'s side without a goodbye, as a crash or a network failure would. */
	private static void drop(ChaskiNode node, UUID peer) {
		Edge edge = node.edges().stream().filter(e -> e.nodeId().equals(peer)).findFirst().orElseThrow();
		edge.connection().close();
	}

}
