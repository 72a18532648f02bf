package io.chaski.node;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.chaski.node.AdvertisedHost.Candidate;
import io.chaski.node.NodeStartupException.Setting;
import io.chaski.testing.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The address a node tells its peers: real interfaces for wildcard binds, never loopback in disguise. */
class AdvertisedHostTest {

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	/**
	 * On this machine as it is: a wildcard bind advertises one of its non-loopback addresses, or, where there is
	 * none (a container with loopback only), start fails asking for an advertised host.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "0.0.0.0", "::" })
	void aWildcardBindAdvertisesARealInterfaceOrFailsClearly(String wildcard) throws SocketException {
		boolean ipv4Only = wildcard.equals("0.0.0.0");
		Set<InetAddress> reachable = reachableAddresses(ipv4Only);
		ChaskiNode node = this.nodes.builder("everywhere").bindHost(wildcard).protectedMode(false).build();
		if (reachable.isEmpty()) {
			assertThatThrownBy(node::start).isInstanceOfSatisfying(NodeStartupException.class,
					ex -> assertThat(ex.setting()).isEqualTo(Setting.ADVERTISED_HOST))
				.hasMessageContaining("no " + (ipv4Only ? "IPv4 " : "") + "network interface up");
			return;
		}
		try {
			node.start();
			InetAddress advertised = ip(node.address().host());
			assertThat(advertised.isLoopbackAddress()).as(node.address().host()).isFalse();
			assertThat(reachable).contains(advertised);
			if (ipv4Only) {
				assertThat(advertised).isInstanceOf(Inet4Address.class);
			}
		}
		finally {
			node.stop();
		}
	}

	@Test
	void aSpecificBindAddressIsAdvertisedAsItIs() {
		assertThat(this.nodes.start("plain").address().host()).isEqualTo("127.0.0.1");
	}

	@Test
	void anExplicitAdvertisedHostIsKeptAsWritten() {
		ChaskiNode node = this.nodes.start(this.nodes.builder("named").advertisedHost("localhost"));
		assertThat(node.address().host()).isEqualTo("localhost");
	}

	@Test
	void zeroAddressPrefersPrivateIpv4AndIgnoresIpv6() {
		List<Candidate> candidates = List.of(real("2001:db8::5"), real("192.0.2.7"), real("10.1.2.3"));
		assertThat(AdvertisedHost.choose(candidates, false)).contains(ip("10.1.2.3"));
		assertThat(AdvertisedHost.choose(List.of(real("2001:db8::5"), real("192.0.2.7")), false))
			.contains(ip("192.0.2.7"));
		assertThat(AdvertisedHost.choose(List.of(real("2001:db8::5")), false)).isEmpty();
	}

	@Test
	void anyAddressPrefersGlobalIpv6ThenPrivateIpv6ThenIpv4() {
		assertThat(AdvertisedHost.choose(List.of(real("10.1.2.3"), real("fd00::2"), real("2001:db8::5")), true))
			.contains(ip("2001:db8::5"));
		assertThat(AdvertisedHost.choose(List.of(real("10.1.2.3"), real("fd00::2")), true)).contains(ip("fd00::2"));
		assertThat(AdvertisedHost.choose(List.of(real("10.1.2.3")), true)).contains(ip("10.1.2.3"));
	}

	@Test
	void loopbackLinkLocalAndDownInterfacesAreNeverChosen() {
		List<Candidate> unusable = List.of(new Candidate(ip("127.0.0.1"), true, true, false),
				new Candidate(ip("::1"), true, true, false), real("169.254.3.4"), real("fe80::1"),
				new Candidate(ip("10.9.9.9"), false, false, false));
		assertThat(AdvertisedHost.choose(unusable, false)).isEmpty();
		assertThat(AdvertisedHost.choose(unusable, true)).isEmpty();
	}

	@Test
	void realInterfacesWinOverBridgesTunnelsAndVirtualOnes() {
		List<Candidate> candidates = List.of(new Candidate(ip("172.17.0.1"), true, false, true), real("192.0.2.7"));
		assertThat(AdvertisedHost.choose(candidates, false)).as("a public address of eth0 over docker0's private one")
			.contains(ip("192.0.2.7"));
		assertThat(AdvertisedHost.choose(List.of(new Candidate(ip("172.17.0.1"), true, false, true)), false))
			.as("a bridge is still better than nothing").contains(ip("172.17.0.1"));
	}

	@Test
	void withNothingToAdvertiseStartFailsNamingTheAdvertisedHost() {
		NodeSettings settings = ChaskiNode.builder().name("boxed").bindHost("0.0.0.0").settings();
		assertThatThrownBy(() -> AdvertisedHost.of(settings, ip("0.0.0.0"), List::of))
			.isInstanceOfSatisfying(NodeStartupException.class,
					ex -> assertThat(ex.setting()).isEqualTo(Setting.ADVERTISED_HOST))
			.hasMessageContaining("listens on every interface (0.0.0.0) but this machine has no IPv4 network "
					+ "interface up");
	}

	private static Candidate real(String address) {
		return new Candidate(ip(address), true, false, false);
	}

	private static InetAddress ip(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(literal, ex);
		}
	}

	/** Worked out here from the interfaces directly: up, not loopback, not link-local. */
	private static Set<InetAddress> reachableAddresses(boolean ipv4Only) throws SocketException {
		return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
			.filter(nic -> isUpAndNotLoopback(nic))
			.flatMap(NetworkInterface::inetAddresses)
			.filter(address -> !address.isLoopbackAddress() && !address.isLinkLocalAddress())
			.filter(address -> !ipv4Only || address instanceof Inet4Address)
			.map(address -> ip(address.getHostAddress().replaceFirst("%.*$", "")))
			.collect(Collectors.toSet());
	}

	private static boolean isUpAndNotLoopback(NetworkInterface nic) {
		try {
			return nic.isUp() && !nic.isLoopback();
		}
		catch (SocketException ex) {
			return false;
		}
	}

}
