package io.chaski.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.chaski.membership.Member;
import io.chaski.membership.MemberEvent;
import io.chaski.membership.MemberState;
import io.chaski.membership.MembershipSettings;
import io.chaski.node.ChaskiNode;
import io.chaski.node.MemberLinks;
import io.chaski.testing.TestNodes;

/**
 * Providers learnt from membership over real UDP and TCP on loopback: nodes that share no topic (so membership
 * does not link them) call each other's services; a provider that leaves is dropped at once.
 */
class ProviderDiscoveryTest {

	private static final MembershipSettings FAST = MembershipSettings.lan()
		.withProbe(Duration.ofMillis(200), Duration.ofMillis(100));

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	private final RemoteFixture fixture = new RemoteFixture();

	private final List<MemberLinks> links = new ArrayList<>();

	@AfterEach
	void close() {
		this.fixture.close();
		this.links.forEach(MemberLinks::close);
	}

	@Test
	void aCallerWithoutALinkOrASharedTopicLinksToTheProviderMembershipNamesAndCallsIt() {
		ChaskiNode seed = this.nodes.start("seed");
		ChaskiNode provider = this.nodes.start("provider", "provided");
		ChaskiNode caller = this.nodes.start("caller", "calling");
		ChaskiRemoteRegistry providerRegistry = this.fixture.registry(provider);
		providerRegistry.register("greeter", new RemoteFixture.NamedGreeter("provider"), RemoteFixture.Greeter.class);
		ChaskiRemoteRegistry callerRegistry = this.fixture.registry(caller);
		join(seed, this.fixture.registry(seed));
		join(provider, providerRegistry, seed);
		join(caller, callerRegistry, seed);
		RemoteFixture.awaitOffers(callerRegistry, "provider", "greeter");
		// no topic in common, and each made its join's state sync with the seed: nothing links them
		assertThat(caller.peer(provider.id())).isEmpty();
		RemoteFixture.Greeter greeter = callerRegistry.proxy("greeter", RemoteFixture.Greeter.class);
		assertThat(greeter.greet("ann")).isEqualTo("hello ann from provider");
		assertThat(caller.peer(provider.id())).isPresent();
	}

	@Test
	void aServiceRegisteredAfterTheJoinBecomesCallable() {
		ChaskiNode provider = this.nodes.start("provider", "provided");
		ChaskiNode caller = this.nodes.start("caller", "calling");
		ChaskiRemoteRegistry providerRegistry = this.fixture.registry(provider);
		ChaskiRemoteRegistry callerRegistry = this.fixture.registry(caller);
		MemberLinks providerLinks = join(provider, providerRegistry);
		join(caller, callerRegistry, provider);
		await().atMost(TestNodes.SETTLE).until(() -> providerLinks.membership().members().stream()
			.filter(member -> member.state() == MemberState.ALIVE).count() == 2);
		providerRegistry.register("greeter", new RemoteFixture.NamedGreeter("provider"), RemoteFixture.Greeter.class);
		assertThat(callerRegistry.awaitProvider("greeter", TestNodes.SETTLE).nodeId()).isEqualTo(provider.id());
		assertThat(callerRegistry.proxy("greeter", RemoteFixture.Greeter.class).length("four")).isEqualTo(4);
	}

	@Test
	void aProviderThatLeavesIsDroppedAtOnceThoughItsNodeStillRuns() {
		ChaskiNode provider = this.nodes.start("provider", "provided");
		ChaskiNode caller = this.nodes.start("caller", "calling");
		ChaskiRemoteRegistry providerRegistry = this.fixture.registry(provider);
		providerRegistry.register("greeter", new RemoteFixture.NamedGreeter("provider"), RemoteFixture.Greeter.class);
		ChaskiRemoteRegistry callerRegistry = this.fixture.registry(caller);
		MemberLinks providerLinks = join(provider, providerRegistry);
		MemberLinks callerLinks = join(caller, callerRegistry, provider);
		// membership, not only the link's SERVICES envelope, must know the provider before it can see it leave
		await().atMost(TestNodes.SETTLE).until(() -> callerLinks.membership().member(provider.id())
			.filter(member -> member.state() == MemberState.ALIVE).isPresent());
		callerRegistry.awaitProvider("greeter", TestNodes.SETTLE);
		RemoteFixture.Greeter greeter = callerRegistry.proxy("greeter", RemoteFixture.Greeter.class);
		assertThat(greeter.greet("bo")).contains("provider");
		// linked now, and the provider's SERVICES envelope came over the link too
		assertThat(caller.peer(provider.id())).isPresent();
		providerLinks.close();
		await().atMost(TestNodes.SETTLE).until(() -> callerRegistry.remoteServices().isEmpty());
		assertThat(provider.isRunning()).isTrue();
		assertThatThrownBy(() -> greeter.greet("cy")).isInstanceOf(ChaskiServiceUnavailableException.class);
	}

	@Test
	void aServicesAnnouncementAfterTheLeaveDoesNotBringTheProviderBackUntilItRejoins() {
		ChaskiNode provider = this.nodes.start("provider", "provided");
		ChaskiNode caller = this.nodes.start("caller", "calling");
		ChaskiRemoteRegistry providerRegistry = this.fixture.registry(provider);
		providerRegistry.register("greeter", new RemoteFixture.NamedGreeter("provider"), RemoteFixture.Greeter.class);
		ChaskiRemoteRegistry callerRegistry = this.fixture.registry(caller);
		// the caller exports one too: the provider's call to it shows that what the provider sent before arrived
		callerRegistry.register("probe", new RemoteFixture.NamedGreeter("caller"), RemoteFixture.Greeter.class);
		MemberLinks providerLinks = join(provider, providerRegistry);
		MemberLinks callerLinks = join(caller, callerRegistry, provider);
		await().atMost(TestNodes.SETTLE).until(() -> callerLinks.membership().member(provider.id())
			.filter(member -> member.state() == MemberState.ALIVE).isPresent());
		callerRegistry.awaitProvider("greeter", TestNodes.SETTLE);
		providerRegistry.awaitProvider("probe", TestNodes.SETTLE);
		RemoteFixture.Greeter greeter = callerRegistry.proxy("greeter", RemoteFixture.Greeter.class);
		assertThat(greeter.greet("bo")).contains("provider");

		providerLinks.close();
		await().atMost(TestNodes.SETTLE).until(() -> callerRegistry.remoteServices().isEmpty());
		// still linked: a new service sends the caller a SERVICES envelope naming both
		providerRegistry.register("other", new RemoteFixture.NamedGreeter("provider"), RemoteFixture.Greeter.class);
		assertThat(providerRegistry.proxy("probe", RemoteFixture.Greeter.class).greet("di")).contains("caller");
		assertThat(caller.peer(provider.id())).isPresent();
		assertThat(callerRegistry.remoteServices()).isEmpty();
		assertThatThrownBy(() -> greeter.greet("cy")).isInstanceOf(ChaskiServiceUnavailableException.class);

		// membership says it is alive again (the event a membership that hears from it again delivers; a node's
		// membership cannot be restarted): callable again
		Member left = callerLinks.membership().member(provider.id()).orElseThrow();
		callerRegistry.memberChanged(new MemberEvent(MemberEvent.Type.ALIVE_AGAIN, new Member(left.id(), left.name(),
				left.host(), left.port(), MemberState.ALIVE, left.incarnation() + 1, left.metadata())));
		assertThat(callerRegistry.awaitProvider("greeter", TestNodes.SETTLE).nodeId()).isEqualTo(provider.id());
		assertThat(greeter.greet("ed")).contains("provider");
	}

	private MemberLinks join(ChaskiNode node, ChaskiRemoteRegistry registry, ChaskiNode... seeds) {
		List<String> addresses = List.of(seeds).stream().map(seed -> seed.address().hostAndPort()).toList();
		MemberLinks started = MemberLinks.start(node, FAST, 0, addresses, registry);
		this.links.add(started);
		return started;
	}

}
