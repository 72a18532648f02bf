package io.chaski.node;

import java.net.InetAddress;

import io.chaski.node.NodeStartupException.Setting;

/**
 * Protected mode: a node that other machines can reach must make its peers authenticate, unless the user opts
 * out. Without authentication anyone who reaches the port is a member of the mesh.
 */
final class ProtectedMode {

	private ProtectedMode() {
	}

	/**
	 * @param settings the node's settings
	 * @param bindAddress the resolved bind address
	 * @return whether the node would be reachable from other machines by peers that need not authenticate
	 */
	static boolean isOpen(NodeSettings settings, InetAddress bindAddress) {
		return !bindAddress.isLoopbackAddress() && !authenticatesPeers(settings);
	}

	/**
	 * Refuses an open, network-facing node unless protected mode is off.
	 * @param settings the node's settings
	 * @param bindAddress the resolved bind address
	 * @throws NodeStartupException naming {@link Setting#CLUSTER_SECRET}
	 */
	static void check(NodeSettings settings, InetAddress bindAddress) {
		if (settings.protectedMode() && isOpen(settings, bindAddress)) {
			throw new NodeStartupException(Setting.CLUSTER_SECRET, "Node " + settings.name() + " refuses to listen on "
					+ settings.bindHost() + " without a cluster secret: other machines can reach that address, and "
					+ "anyone who reaches the port could join the mesh (protected mode)", null);
		}
	}

	/** The one place that decides whether peers must prove who they are; TLS with client certificates goes here. */
	private static boolean authenticatesPeers(NodeSettings settings) {
		return settings.authenticated();
	}

}
