package io.chaski.membership;

import java.net.InetSocketAddress;

/** Receives the datagrams of a {@link MembershipTransport}. */
@FunctionalInterface
public interface PacketHandler {

	/**
	 * @param from where the packet came from
	 * @param data its bytes (hostile until decoded)
	 */
	void received(InetSocketAddress from, byte[] data);

}
