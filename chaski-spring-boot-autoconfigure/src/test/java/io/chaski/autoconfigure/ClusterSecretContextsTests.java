package io.chaski.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.chaski.node.ChaskiNode;
import io.chaski.security.ClusterSecret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code chaski.security.cluster-secret} in real application contexts: it reaches the node, contexts that share
 * it join through their seed, contexts with different secrets never do.
 */
class ClusterSecretContextsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String SECRET = "a-secret-for-the-test-mesh";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChaskiAutoConfiguration.class))
		.withPropertyValues("chaski.node.port=0");

	@Test
	void contextsWithTheSameSecretConnect() {
		this.runner.withPropertyValues("chaski.node.name=seed", "chaski.security.cluster-secret=" + SECRET)
			.run(seedContext -> {
				ChaskiNode seed = seedContext.getBean(ChaskiNode.class);
				assertThat(seed.settings().clusterSecret()).isEqualTo(ClusterSecret.of(SECRET));
				this.runner
					.withPropertyValues("chaski.node.name=member", "chaski.security.cluster-secret=" + SECRET,
							"chaski.discovery.seeds=" + seed.address().hostAndPort())
					.run(memberContext -> {
						ChaskiNode member = memberContext.getBean(ChaskiNode.class);
						await().atMost(WAIT).until(() -> member.peer(seed.id()).isPresent()
								&& seed.peer(member.id()).isPresent());
						assertThat(seed.stats().authenticationFailures()).isZero();
					});
			});
	}

	@Test
	void contextsWithDifferentSecretsDoNotConnect() {
		this.runner.withPropertyValues("chaski.node.name=seed", "chaski.security.cluster-secret=" + SECRET)
			.run(seedContext -> {
				ChaskiNode seed = seedContext.getBean(ChaskiNode.class);
				this.runner
					.withPropertyValues("chaski.node.name=stranger",
							"chaski.security.cluster-secret=another-secret-entirely",
							"chaski.discovery.seeds=" + seed.address().hostAndPort())
					.run(strangerContext -> {
						ChaskiNode stranger = strangerContext.getBean(ChaskiNode.class);
						assertThat(stranger.settings().clusterSecret()).isNotEqualTo(seed.settings().clusterSecret());
						// both refuse the first attempt: the stranger the seed's proof, the seed its empty AUTH
						await().atMost(WAIT).until(() -> stranger.stats().authenticationFailures() >= 1
								&& seed.stats().authenticationFailures() >= 1);
						assertThat(seed.peers()).isEmpty();
						assertThat(stranger.peers()).isEmpty();
					});
			});
	}

}
