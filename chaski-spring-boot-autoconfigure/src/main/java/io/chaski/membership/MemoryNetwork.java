package io.chaski.membership;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;

/**
 * An in-memory network of {@link MembershipTransport}s for tests and simulations (memberlist's MockTransport):
 * datagrams wait in one queue until {@link #deliverAll()}, so a run is deterministic for a given random seed.
 * Loss, blocked endpoints and partitions are injected at run time. Not thread-safe: one thread drives it.
 */
public final class MemoryNetwork {

	/** Deliveries per {@link #deliverAll()} call beyond which it stops (a packet storm is a bug). */
	private static final int MAX_DELIVERIES = 10_000_000;

	private final Random random;

	private final Map<InetSocketAddress, Endpoint> endpoints = new HashMap<>();

	private final Queue<Datagram> queue = new ArrayDeque<>();

	private final Set<InetSocketAddress> blocked = new HashSet<>();

	private final Map<InetSocketAddress, Integer> sides = new HashMap<>();

	private double loss;

	private int nextPort = 1;

	private long delivered;

	/** @param random decides which packets are lost */
	public MemoryNetwork(Random random) {
		this.random = random;
	}

	/** @return a new endpoint with an address of its own */
	public MembershipTransport newTransport() {
		return newTransport(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.nextPort++));
	}

	/**
	 * @param address the address of an endpoint that was closed (a process restarted)
	 * @return a new endpoint at that address
	 */
	public MembershipTransport newTransport(InetSocketAddress address) {
		return new Endpoint(address);
	}

	/** @param fraction share of datagrams lost, 0 to 1 */
	public void loss(double fraction) {
		this.loss = fraction;
	}

	/**
	 * @param address an endpoint
	 * @param value whether everything it sends or should receive is lost
	 */
	public void block(InetSocketAddress address, boolean value) {
		if (value) {
			this.blocked.add(address);
		}
		else {
			this.blocked.remove(address);
		}
	}

	/**
	 * @param address an endpoint
	 * @param side its side of a partition; endpoints on different sides do not reach each other (all start on 0)
	 */
	public void partition(InetSocketAddress address, int side) {
		this.sides.put(address, side);
	}

	/** Hands every queued datagram to its endpoint, including those sent while doing so. */
	public void deliverAll() {
		int count = 0;
		Datagram datagram;
		while ((datagram = this.queue.poll()) != null && count++ < MAX_DELIVERIES) {
			Endpoint endpoint = this.endpoints.get(datagram.to);
			if (endpoint != null && endpoint.handler != null && reaches(datagram.from, datagram.to)) {
				this.delivered++;
				endpoint.handler.received(datagram.from, datagram.data);
			}
		}
	}

	/**
	 * @return a port check as a real network answers it: refused at an address where no endpoint is open (a
	 * killed process), not refused where one is, even blocked or across a partition (those time out)
	 */
	public ListenerCheck listenerCheck() {
		return (member, timeout) -> !this.endpoints.containsKey(new InetSocketAddress(member.host(), member.port()));
	}

	/** @return datagrams delivered so far */
	public long delivered() {
		return this.delivered;
	}

	private boolean reaches(InetSocketAddress from, InetSocketAddress to) {
		return !this.blocked.contains(from) && !this.blocked.contains(to)
				&& this.sides.getOrDefault(from, 0).equals(this.sides.getOrDefault(to, 0))
				&& (this.loss == 0 || this.random.nextDouble() >= this.loss);
	}

	private record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] data) {
	}

	private final class Endpoint implements MembershipTransport {

		private final InetSocketAddress address;

		private PacketHandler handler;

		Endpoint(InetSocketAddress address) {
			this.address = address;
		}

		@Override
		public void start(PacketHandler packetHandler) {
			this.handler = packetHandler;
			MemoryNetwork.this.endpoints.put(this.address, this);
		}

		@Override
		public InetSocketAddress localAddress() {
			return this.address;
		}

		@Override
		public void send(InetSocketAddress to, byte[] data) {
			MemoryNetwork.this.queue.add(new Datagram(this.address, to, data));
		}

		@Override
		public void close() {
			MemoryNetwork.this.endpoints.remove(this.address);
		}

	}

}
