package io.chaski.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.chaski.security.ClusterSecret;
import io.chaski.testing.MulticastLoopback;
import io.chaski.testing.TestNodes;

/**
 * Multicast announce/listen on the loopback interface: members without seeds find each other; one with another
 * cluster secret is not admitted. Skipped (by assumption) where the OS gives loopback no multicast route.
 */
class MulticastDiscoveryTest {

	private static final MembershipSettings FAST = MembershipSettings.lan()
		.withProbe(Duration.ofMillis(200), Duration.ofMillis(100));

	private static final ClusterSecret SECRET = ClusterSecret.of("a-secret-of-sixteen+");

	private final String group = MulticastLoopback.randomGroup();

	private final int port = TestNodes.freePort();

	private final List<AutoCloseable> started = new ArrayList<>();

	@BeforeEach
	void multicastOnLoopback() {
		Assumptions.assumeTrue(MulticastLoopback.works(this.group, this.port),
				"no multicast route on the loopback interface");
	}

	@AfterEach
	void stopAll() throws Exception {
		for (int i = this.started.size() - 1; i >= 0; i--) {
			this.started.get(i).close();
		}
	}

	@Test
	void membersWithoutSeedsFindEachOtherThroughTheGroup() {
		Membership a = start("a", SECRET);
		Membership b = start("b", SECRET);
		Membership c = start("c", SECRET);
		await().atMost(Duration.ofSeconds(20)).until(() -> List.of(a, b, c).stream()
			.allMatch(member -> member.members().stream().filter(m -> m.state() == MemberState.ALIVE).count() == 3));
	}

	@Test
	void aMemberWithAnotherSecretIsNotAdmittedAndItsAnnouncementsAreCounted() {
		Membership a = start("a", SECRET);
		Membership b = start("b", SECRET);
		Membership stranger = start("stranger", ClusterSecret.of("another-secret-of-16"));
		await().atMost(Duration.ofSeconds(20)).until(() -> a.member(b.self().id()).isPresent()
				&& a.stats().rejected(RejectReason.BAD_SIGNATURE) > 0);
		assertThat(a.member(stranger.self().id())).isEmpty();
		assertThat(stranger.members()).hasSize(1);
	}

	private Membership start(String name, ClusterSecret secret) {
		Membership membership = new Membership(FAST, new UdpMembershipTransport("127.0.0.1", 0, 1400), secret,
				UUID.randomUUID(), name, null, MemberMetadata.NONE);
		this.started.add(membership.start());
		// a short interval: the first announcement may go before the others listen
		this.started.add(MulticastDiscovery.start(membership, this.group, this.port, Duration.ofMillis(200),
				"127.0.0.1"));
		return membership;
	}

}
