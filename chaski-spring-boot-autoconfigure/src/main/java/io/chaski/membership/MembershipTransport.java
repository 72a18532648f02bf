package io.chaski.membership;

import java.net.InetSocketAddress;

/**
 * The seam between the membership protocol and the network: unreliable datagrams, as UDP gives them. The real
 * one is {@link UdpMembershipTransport}; {@link MemoryNetwork} makes in-memory ones with loss and partitions.
 */
public interface MembershipTransport extends AutoCloseable {

	/**
	 * Starts receiving.
	 * @param handler told about every datagram; it must not throw
	 */
	void start(PacketHandler handler);

	/** @return the address this transport receives on (after start) */
	InetSocketAddress localAddress();

	/**
	 * Sends one datagram; failures are not reported (the protocol treats them as loss).
	 * @param to the destination
	 * @param data the bytes
	 */
	void send(InetSocketAddress to, byte[] data);

	/** Stops receiving and releases the socket. */
	@Override
	void close();

}
