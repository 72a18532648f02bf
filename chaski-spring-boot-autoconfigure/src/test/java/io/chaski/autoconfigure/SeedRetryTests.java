package io.chaski.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.chaski.membership.Member;
import io.chaski.membership.MemberState;
import io.chaski.node.ChaskiNode;
import io.chaski.node.PeerInfo;
import io.chaski.testing.LogCapture;
import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A seed that is down when the application starts does not fail startup: the node keeps dialling it in the
 * background (over TCP, and over UDP through membership), with capped backoff and no budget, logs why it cannot
 * reach it, and joins once it comes up, however late. Real contexts on loopback, ephemeral ports; a short backoff
 * stands for the minutes a real seed could take.
 */
class SeedRetryTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@RegisterExtension
	final LogCapture logs = new LogCapture();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChaskiAutoConfiguration.class))
		.withPropertyValues("chaski.keep-alive.interval=200ms");

	@ParameterizedTest
	@EnumSource(TransportMode.class)
	void aSeedThatStartsAfterManyFailedAttemptsIsJoinedWhateverTheReconnectionBudget(TransportMode mode) {
		int seedPort = TestNodes.freePort();
		String seed = "127.0.0.1:" + seedPort;
		this.runner
			.withPropertyValues("chaski.transport.mode=" + mode, "chaski.node.name=joiner", "chaski.node.port=0",
					"chaski.discovery.seeds=" + seed, "chaski.reconnect.attempts=1",
					"chaski.reconnect.initial-backoff=20ms", "chaski.reconnect.max-backoff=100ms",
					"chaski.membership.probe-interval=100ms", "chaski.membership.probe-timeout=50ms",
					"chaski.membership.join-max-backoff=200ms")
			.run(joinerContext -> {
				assertThat(joinerContext).as("a dead seed does not fail startup").hasNotFailed();
				ChaskiNode joiner = joinerContext.getBean(ChaskiNode.class);
				assertThat(joiner.isRunning()).isTrue();
				// far more attempts than the reconnection budget (1) allows
				await().atMost(WAIT).until(() -> retriesLogged(seed).size() >= 6);
				assertThat(retriesLogged(seed)).allSatisfy(line -> assertThat(line).contains("Connection refused")
					.doesNotContainIgnoringCase("rejected"));
				assertThat(joiner.peers()).isEmpty();

				this.runner.withPropertyValues("chaski.node.name=seed", "chaski.node.port=" + seedPort)
					.run(seedContext -> {
						assertThat(seedContext).hasNotFailed();
						await().atMost(WAIT).until(() -> joiner.peers().stream().map(PeerInfo::name)
							.anyMatch("seed"::equals));
						UUID seedId = seedContext.getBean(ChaskiNode.class).id();
						await().atMost(WAIT).until(() -> joinerContext.getBean(ChaskiMembership.class).membership()
							.flatMap(membership -> membership.member(seedId))
							.map(Member::state)
							.orElse(null) == MemberState.ALIVE);
						// logged once the connect future completes, just after the edge appears
						await().atMost(WAIT).untilAsserted(() -> assertThat(this.logs.messages(Level.INFO))
							.contains("Node joiner joined the mesh through seed " + seed + " (seed)"));
					});
			});
	}

	private List<String> retriesLogged(String seed) {
		return this.logs.messages(Level.INFO).stream()
			.filter(line -> line.startsWith("Node joiner cannot reach seed " + seed))
			.toList();
	}

}
