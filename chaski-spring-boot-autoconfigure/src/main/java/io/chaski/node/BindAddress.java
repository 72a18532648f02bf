package io.chaski.node;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

import io.chaski.node.NodeStartupException.Setting;

/**
 * Resolves the bind host before the node binds, so a host that does not resolve or is not this machine's fails
 * start naming the host setting (the socket's own error would not say which setting is wrong).
 */
final class BindAddress {

	private BindAddress() {
	}

	/**
	 * @param settings the node's settings
	 * @return the address to listen on: a wildcard, a loopback address or one of this machine's addresses
	 * @throws NodeStartupException naming {@link Setting#HOST} otherwise
	 */
	static InetAddress resolve(NodeSettings settings) {
		String host = settings.bindHost();
		InetAddress address;
		try {
			address = InetAddress.getByName(host);
		}
		catch (UnknownHostException ex) {
			throw new NodeStartupException(Setting.HOST,
					"Node " + settings.name() + " cannot listen on '" + host + "': the name does not resolve", ex);
		}
		if (!address.isAnyLocalAddress() && !address.isLoopbackAddress() && !isLocal(address)) {
			throw new NodeStartupException(Setting.HOST, "Node " + settings.name() + " cannot listen on '" + host
					+ "': " + address.getHostAddress() + " is not an address of this machine", null);
		}
		return address;
	}

	private static boolean isLocal(InetAddress address) {
		try {
			return NetworkInterface.getByInetAddress(address) != null;
		}
		catch (SocketException ex) {
			return true; // cannot tell: let the bind decide
		}
	}

}
