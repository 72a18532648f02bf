package io.chaski.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.util.concurrent.ThreadLocalRandom;

/** Multicast on the loopback interface for tests: a group per run, and whether the OS routes it at all. */
public final class MulticastLoopback {

	private MulticastLoopback() {
	}

	/** @return a group of the organisation-local scope, different per call so parallel builds do not meet */
	public static String randomGroup() {
		return "239.255.%d.%d".formatted(ThreadLocalRandom.current().nextInt(1, 255),
				ThreadLocalRandom.current().nextInt(1, 255));
	}

	/**
	 * Sends one datagram to the group on loopback and waits up to 2 s to read it back.
	 * @param group a multicast group
	 * @param port a free UDP port
	 * @return whether it came back
	 */
	public static boolean works(String group, int port) {
		try (MulticastSocket socket = new MulticastSocket(null)) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(port));
			NetworkInterface loopback = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
			socket.setNetworkInterface(loopback);
			InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(group), port);
			socket.joinGroup(target, loopback);
			socket.setSoTimeout(2000);
			socket.send(new DatagramPacket(new byte[] { 1 }, 1, target));
			socket.receive(new DatagramPacket(new byte[1], 1));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
