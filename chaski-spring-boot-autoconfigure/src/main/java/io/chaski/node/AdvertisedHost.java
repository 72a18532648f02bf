package io.chaski.node;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import io.chaski.node.NodeStartupException.Setting;

/**
 * Decides the host a node tells its peers to dial. An explicit advertised host must resolve; a specific bind
 * address is advertised as it is; a wildcard bind ({@code 0.0.0.0}, {@code ::}) advertises one of this
 * machine's real interface addresses: the host name is no guide, it often resolves to loopback.
 */
final class AdvertisedHost {

	/** Interface name prefixes of container and VM bridges, whose addresses other machines rarely reach. */
	private static final Set<String> BRIDGE_PREFIXES = Set.of("docker", "veth", "br-", "virbr", "cni", "flannel");

	private AdvertisedHost() {
	}

	/**
	 * @param settings the node's settings
	 * @param bindAddress the resolved bind address
	 * @return the host to advertise
	 * @throws NodeStartupException naming {@link Setting#ADVERTISED_HOST} when there is none
	 */
	static String of(NodeSettings settings, InetAddress bindAddress) {
		return of(settings, bindAddress, AdvertisedHost::interfaceAddresses);
	}

	/**
	 * @param settings the node's settings
	 * @param bindAddress the resolved bind address
	 * @param interfaces lists this machine's addresses, asked only for a wildcard bind
	 * @return the host to advertise
	 */
	static String of(NodeSettings settings, InetAddress bindAddress, Supplier<List<Candidate>> interfaces) {
		String explicit = settings.advertisedHost();
		if (explicit != null && !explicit.isBlank()) {
			try {
				InetAddress.getByName(explicit);
				return explicit;
			}
			catch (UnknownHostException ex) {
				throw new NodeStartupException(Setting.ADVERTISED_HOST, "Node " + settings.name()
						+ " cannot advertise '" + explicit + "': the name does not resolve", ex);
			}
		}
		if (!bindAddress.isAnyLocalAddress()) {
			return bindAddress.getHostAddress();
		}
		boolean ipv6 = bindAddress instanceof Inet6Address;
		return choose(interfaces.get(), ipv6).map(InetAddress::getHostAddress)
			.orElseThrow(() -> new NodeStartupException(Setting.ADVERTISED_HOST, "Node " + settings.name()
					+ " listens on every interface (" + settings.bindHost() + ") but this machine has no "
					+ (ipv6 ? "" : "IPv4 ") + "network interface up with an address other than loopback and "
					+ "link-local, so there is no address to tell peers", null));
	}

	/**
	 * Picks the address for a wildcard bind: real interfaces before virtual, point-to-point and bridge ones;
	 * then, for {@code 0.0.0.0}, private IPv4 before other IPv4; for {@code ::}, global IPv6 before private IPv6
	 * before IPv4 (a {@code ::} socket accepts IPv4 too). Ties go to the interface listed first.
	 * @param candidates this machine's addresses, in interface order
	 * @param ipv6 whether the bind is {@code ::} rather than {@code 0.0.0.0}
	 * @return the address, if any is usable
	 */
	static Optional<InetAddress> choose(List<Candidate> candidates, boolean ipv6) {
		return candidates.stream()
			.filter(candidate -> rank(candidate, ipv6) >= 0)
			.min(Comparator.comparingInt(candidate -> rank(candidate, ipv6)))
			.map(Candidate::address);
	}

	/** @return lower is better; negative when the address cannot be advertised */
	private static int rank(Candidate candidate, boolean ipv6) {
		InetAddress address = candidate.address();
		if (!candidate.up() || candidate.loopback() || address.isLoopbackAddress() || address.isLinkLocalAddress()
				|| address.isAnyLocalAddress() || address.isMulticastAddress()) {
			return -1;
		}
		int scope;
		if (address instanceof Inet4Address) {
			scope = (ipv6 ? 2 : 0) + (address.isSiteLocalAddress() ? 0 : 1);
		}
		else if (ipv6) {
			scope = isPrivateIpv6(address) ? 1 : 0;
		}
		else {
			return -1; // a 0.0.0.0 socket accepts IPv4 only
		}
		return (candidate.secondary() ? 10 : 0) + scope;
	}

	/** Unique local (fc00::/7) or the deprecated site-local (fec0::/10) range. */
	private static boolean isPrivateIpv6(InetAddress address) {
		return address.isSiteLocalAddress() || (address.getAddress()[0] & 0xfe) == 0xfc;
	}

	private static List<Candidate> interfaceAddresses() {
		List<Candidate> candidates = new ArrayList<>();
		try {
			for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
				boolean up = nic.isUp();
				boolean loopback = nic.isLoopback();
				boolean secondary = nic.isVirtual() || nic.isPointToPoint() || isBridge(nic.getName());
				for (InetAddress address : Collections.list(nic.getInetAddresses())) {
					candidates.add(new Candidate(withoutScope(address), up, loopback, secondary));
				}
			}
		}
		catch (SocketException ex) {
			// the interfaces cannot be listed: nothing to choose from, start fails asking for an advertised host
		}
		return candidates;
	}

	private static boolean isBridge(String name) {
		return BRIDGE_PREFIXES.stream().anyMatch(name::startsWith);
	}

	/** Peers elsewhere cannot use this machine's interface name ({@code %eth0}) of an IPv6 address. */
	private static InetAddress withoutScope(InetAddress address) {
		try {
			return InetAddress.getByAddress(address.getAddress());
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException("an interface address of illegal length", ex);
		}
	}

	/**
	 * One address of one network interface.
	 *
	 * @param address the address
	 * @param up whether its interface is up
	 * @param loopback whether its interface is a loopback interface
	 * @param secondary whether its interface is virtual, point-to-point or a container or VM bridge
	 */
	record Candidate(InetAddress address, boolean up, boolean loopback, boolean secondary) {
	}

}
