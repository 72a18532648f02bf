package io.chaski.membership;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.support.DaemonThreads;
import io.chaski.support.RateLimitedLog;

/**
 * Zero-configuration discovery on a LAN: a member announces itself to a multicast group every interval (a
 * {@code SYNC} packet carrying its record, signed like every membership packet when a cluster secret is set) and
 * listens to the group; an announcement from a member it does not know alive is answered, at the announcer's
 * membership address, with its member list: both sides have joined. Multicast only finds members; SWIM over
 * unicast does the rest. Announcements leave with a time-to-live of 1 (the local network only).
 */
public final class MulticastDiscovery implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(MulticastDiscovery.class);

	private final Membership membership;

	private final InetSocketAddress group;

	private final MulticastSocket socket;

	private final ScheduledThreadPoolExecutor timer;

	private final Thread reader;

	private final RateLimitedLog warnings = new RateLimitedLog(log);

	private volatile boolean closed;

	private MulticastDiscovery(Membership membership, InetSocketAddress group, MulticastSocket socket) {
		this.membership = membership;
		this.group = group;
		this.socket = socket;
		String name = membership.self().name();
		this.timer = DaemonThreads.timer(name + "-multicast");
		this.reader = DaemonThreads.factory(name + "-multicast-reader-").newThread(this::listen);
	}

	/**
	 * Joins the group and starts announcing and listening.
	 * @param membership a started membership
	 * @param group the multicast group address
	 * @param port the group's UDP port, shared by every member on a host
	 * @param interval time between two announcements (the first goes at once)
	 * @param interfaceHost an address of the network interface to use; {@code null} or a wildcard for the
	 * system's default
	 * @return the discovery, running
	 * @throws IllegalStateException if the group cannot be joined
	 */
	public static MulticastDiscovery start(Membership membership, String group, int port, Duration interval,
			String interfaceHost) {
		MulticastSocket socket = null;
		try {
			InetAddress groupAddress = InetAddress.getByName(group);
			if (!groupAddress.isMulticastAddress()) {
				throw new IllegalArgumentException(group + " is not a multicast address");
			}
			socket = new MulticastSocket(null);
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(port));
			NetworkInterface networkInterface = networkInterface(interfaceHost);
			if (networkInterface != null) {
				socket.setNetworkInterface(networkInterface);
			}
			socket.setTimeToLive(1);
			socket.joinGroup(new InetSocketAddress(groupAddress, port), networkInterface);
			MulticastDiscovery discovery = new MulticastDiscovery(membership,
					new InetSocketAddress(groupAddress, port), socket);
			discovery.reader.start();
			long nanos = interval.toNanos();
			discovery.timer.scheduleWithFixedDelay(discovery::announce, 0, nanos, TimeUnit.NANOSECONDS);
			return discovery;
		}
		catch (IOException | IllegalArgumentException ex) {
			if (socket != null) {
				socket.close();
			}
			throw new IllegalStateException("cannot join multicast group " + group + ":" + port
					+ " for discovery: " + ex.getMessage(), ex);
		}
	}

	private static NetworkInterface networkInterface(String host) throws IOException {
		if (host == null || host.isEmpty()) {
			return null;
		}
		InetAddress address = InetAddress.getByName(host);
		return address.isAnyLocalAddress() ? null : NetworkInterface.getByInetAddress(address);
	}

	private void announce() {
		try {
			byte[] data = this.membership.announcement();
			this.socket.send(new DatagramPacket(data, data.length, this.group));
		}
		catch (IOException | RuntimeException ex) {
			// multicast is best effort: the next interval tries again
			this.warnings.warn("announce", "Multicast announcement to {} failed: {}", this.group, ex.toString());
		}
	}

	private void listen() {
		byte[] buffer = new byte[this.membership.settings().maxPacketBytes() + 1];
		while (!this.closed) {
			DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
			try {
				this.socket.receive(packet);
				this.membership.announced(Arrays.copyOf(packet.getData(), packet.getLength()));
			}
			catch (IOException ex) {
				if (!this.closed) {
					this.warnings.warn("receive", "Multicast discovery stopped listening: {}", ex.toString());
					return;
				}
			}
		}
	}

	/** Leaves the group and stops announcing. */
	@Override
	public void close() {
		this.closed = true;
		this.timer.shutdownNow();
		this.socket.close();
	}

}
