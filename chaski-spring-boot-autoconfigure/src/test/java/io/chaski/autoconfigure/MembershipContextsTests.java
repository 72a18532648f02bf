package io.chaski.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.chaski.membership.MemberEvent;
import io.chaski.node.ChaskiNode;
import io.chaski.testing.TestNodes;

/** Membership in real application contexts: events, the endpoint's members, health and metrics. */
class MembershipContextsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChaskiAutoConfiguration.class, ChaskiActuatorAutoConfiguration.class))
		.withUserConfiguration(Events.class)
		.withPropertyValues("chaski.node.port=0", "chaski.membership.probe-interval=200ms",
				"chaski.membership.probe-timeout=100ms", "chaski.node.subscriptions=t",
				"management.endpoints.web.exposure.include=health,chaski");

	@Test
	void membersJoinShowInTheEndpointAndHealthAndLeaveAsEvents() {
		this.runner.withPropertyValues("chaski.node.name=first").run(first -> {
			ChaskiNode firstNode = first.getBean(ChaskiNode.class);
			Events events = first.getBean(Events.class);
			UUID[] secondId = new UUID[1];
			this.runner.withPropertyValues("chaski.node.name=second",
					"chaski.discovery.seeds=" + firstNode.address().hostAndPort())
				.run(second -> {
					secondId[0] = second.getBean(ChaskiNode.class).id();
					await().atMost(WAIT).until(() -> events.seen(MemberEvent.Type.JOINED, secondId[0]));
					// linked by membership: they share topic t
					await().atMost(WAIT).until(() -> firstNode.peer(secondId[0]).isPresent());
					ChaskiEndpoint.ChaskiReport report = first.getBean(ChaskiEndpoint.class).report();
					assertThat(report.members()).extracting(ChaskiEndpoint.MemberReport::name)
						.containsExactly("first", "second");
					assertThat(report.members()).extracting(ChaskiEndpoint.MemberReport::state)
						.containsOnly("alive");
					assertThat(report.members().get(1).metadata().subscriptions()).containsExactly("t");
					MeterRegistry meters = new SimpleMeterRegistry();
					new ChaskiMembershipMetrics(first.getBean(ChaskiMembership.class)).bindTo(meters);
					assertThat(meters.get("chaski.members").tag("state", "alive").gauge().value()).isEqualTo(2);
					await().atMost(WAIT).until(() -> meters.get("chaski.membership.probes").functionCounter().count() > 0
							&& meters.get("chaski.membership.gossip").functionCounter().count() > 0);
					var health = second.getBean(ChaskiHealthIndicator.class).health();
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails().get("members")).isEqualTo(
							Map.of("alive", 2L, "suspect", 0L, "dead", 0L, "left", 0L));
				});
			// the second context closed: a graceful stop is left at once
			await().atMost(WAIT).until(() -> events.seen(MemberEvent.Type.LEFT, secondId[0]));
		});
	}

	@Test
	void membershipMetricsCountRejectedPacketsByReason() throws Exception {
		this.runner.withPropertyValues("chaski.node.name=metered").run(context -> {
			MeterRegistry meters = new SimpleMeterRegistry();
			new ChaskiMembershipMetrics(context.getBean(ChaskiMembership.class)).bindTo(meters);
			int port = context.getBean(ChaskiNode.class).address().port();
			try (DatagramSocket socket = new DatagramSocket()) {
				byte[] garbage = "not a membership packet".getBytes(StandardCharsets.US_ASCII);
				// UDP may drop a datagram even on loopback: send until one is counted
				await().atMost(WAIT).until(() -> {
					socket.send(new DatagramPacket(garbage, garbage.length, InetAddress.getLoopbackAddress(), port));
					return meters.get("chaski.membership.packets.rejected").tag("reason", "malformed")
						.functionCounter().count() > 0;
				});
			}
			assertThat(meters.get("chaski.membership.packets.rejected").tag("reason", "bad-signature")
				.functionCounter().count()).isZero();
			assertThat(meters.get("chaski.membership.deaths.refused").functionCounter().count()).isZero();
			assertThat(meters.get("chaski.membership.health").gauge().value()).isZero();
			assertThat(meters.get("chaski.members").tag("state", "alive").gauge().value()).isEqualTo(1);
			assertThat(context.getBean(ChaskiHealthIndicator.class).health().getDetails().get("members"))
				.isEqualTo(Map.of("alive", 1L, "suspect", 0L, "dead", 0L, "left", 0L));
		});
	}

	@Test
	void aNodeWithSeedsButNoMemberAliveIsOutOfService() {
		int nobody = TestNodes.freePort();
		this.runner.withPropertyValues("chaski.node.name=alone", "chaski.discovery.seeds=127.0.0.1:" + nobody)
			.run(context -> {
				assertThat(context.getBean(ChaskiHealthIndicator.class).health().getStatus())
					.isEqualTo(Status.OUT_OF_SERVICE);
				assertThat(context.getBean(ChaskiNode.class).isRunning()).isTrue();
			});
	}

	@Test
	void membershipCanBeSwitchedOff() {
		this.runner.withPropertyValues("chaski.membership.enabled=false")
			.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ChaskiMembership.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class Events {

		final List<ChaskiMemberEvent> received = new CopyOnWriteArrayList<>();

		@EventListener
		void on(ChaskiMemberEvent event) {
			this.received.add(event);
		}

		boolean seen(MemberEvent.Type type, UUID id) {
			return this.received.stream().anyMatch(event -> event.type() == type && event.member().id().equals(id));
		}

	}

}
