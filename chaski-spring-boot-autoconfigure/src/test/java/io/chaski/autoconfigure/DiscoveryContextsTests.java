package io.chaski.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.chaski.node.ChaskiNode;
import io.chaski.remote.ChaskiRemoteRegistry;
import io.chaski.testing.MulticastLoopback;
import io.chaski.testing.TestNodes;

/**
 * Discovery in real application contexts: two nodes without seeds and without a topic in common find each other
 * by multicast on loopback, and a {@code @ChaskiRemote} proxy calls the other's {@code @ChaskiService}, learnt from
 * member metadata.
 */
class DiscoveryContextsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final String group = MulticastLoopback.randomGroup();

	private final int port = TestNodes.freePort();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChaskiAutoConfiguration.class, ChaskiActuatorAutoConfiguration.class,
				ChaskiRemoteAutoConfiguration.class))
		.withPropertyValues("chaski.node.port=0", "chaski.membership.probe-interval=200ms",
				"chaski.membership.probe-timeout=100ms", "chaski.discovery.multicast.enabled=true",
				"chaski.discovery.multicast.group=" + this.group, "chaski.discovery.multicast.port=" + this.port,
				"chaski.discovery.multicast.interval=200ms", "management.endpoints.web.exposure.include=chaski");

	@Test
	void nodesWithoutSeedsOrSharedTopicsFindEachOtherAndCallServices() {
		Assumptions.assumeTrue(MulticastLoopback.works(this.group, this.port),
				"no multicast route on the loopback interface");
		this.runner.withUserConfiguration(RemoteContextsTests.Provider.class)
			.withPropertyValues("chaski.node.name=provider", "chaski.node.subscriptions=stock")
			.run(provider -> this.runner.withUserConfiguration(RemoteContextsTests.Consumer.class)
				.withPropertyValues("chaski.node.name=consumer", "chaski.node.subscriptions=orders")
				.run(consumer -> {
					ChaskiNode providerNode = provider.getBean(ChaskiNode.class);
					ChaskiRemoteRegistry registry = consumer.getBean(ChaskiRemoteRegistry.class);
					await().atMost(WAIT).until(() -> registry.remoteServices().containsKey("provider"));
					assertThat(registry.awaitProvider("inventory", WAIT).nodeId()).isEqualTo(providerNode.id());
					assertThat(consumer.getBean(RemoteContextsTests.Shop.class).inventory.find("apple").sku())
						.isEqualTo("apple");
					ChaskiEndpoint.ChaskiReport report = consumer.getBean(ChaskiEndpoint.class).report();
					assertThat(report.services().remote()).containsEntry("provider", Set.of("inventory"));
					assertThat(report.members()).extracting(ChaskiEndpoint.MemberReport::name)
						.containsExactly("consumer", "provider");
				}));
	}

	@Test
	void multicastWithoutMembershipFailsStartupNamingBothProperties() {
		this.runner.withPropertyValues("chaski.membership.enabled=false")
			.run(context -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("chaski.discovery.multicast.enabled")
				.hasMessageContaining("chaski.membership.enabled"));
	}

}
