package io.chaski.node;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.membership.Member;
import io.chaski.membership.MemberEvent;
import io.chaski.membership.MemberMetadata;
import io.chaski.membership.MemberState;
import io.chaski.membership.Membership;
import io.chaski.membership.MembershipListener;
import io.chaski.membership.MembershipSettings;
import io.chaski.membership.UdpMembershipTransport;
import io.chaski.support.DaemonThreads;
import io.chaski.support.LogSafe;
import io.chaski.wire.WireFormat;

/**
 * Ties a node to its membership (docs/membership.md): the node is a member under its own id, advertising its TCP
 * address and topics; every alive member that shares a topic (or relays all of them) gets a TCP link, and gets
 * it again after any outage, with backoff but without a budget; a link that breaks without a goodbye makes
 * membership probe the member at once (a hint, not a verdict).
 */
public final class MemberLinks implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(MemberLinks.class);

	private final ChaskiNode node;

	private final Membership membership;

	private final Backoff backoff;

	private final ScheduledThreadPoolExecutor timer;

	/** Members being dialled, or waiting for their next attempt. */
	private final Map<UUID, Attempt> attempts = new ConcurrentHashMap<>();

	private volatile Set<String> advertisedTopics = Set.of();

	private volatile Set<String> advertisedServices = Set.of();

	private List<PeerAddress> seeds = List.of();

	private MemberLinks(ChaskiNode node, Membership membership) {
		this.node = node;
		this.membership = membership;
		this.backoff = new Backoff(node.settings().reconnectInitialBackoff(), node.settings().reconnectMaxBackoff());
		this.timer = DaemonThreads.timer(node.name() + "-links");
	}

	/**
	 * Starts membership over UDP for a started node and joins through the seeds.
	 * @param node the node, started
	 * @param settings membership timings
	 * @param port UDP port; 0 uses the node's TCP port number
	 * @param seeds seed addresses as {@code host:port} (their node port; with a membership port set, that port
	 * is used on the seed's host)
	 * @param listeners told about member changes from the first one on
	 * @return the links, running
	 * @throws IllegalStateException if the UDP port cannot be bound
	 */
	public static MemberLinks start(ChaskiNode node, MembershipSettings settings, int port, List<String> seeds,
			MembershipListener... listeners) {
		PeerAddress address = node.address();
		int udpPort = (port != 0) ? port : address.port();
		Membership membership = new Membership(settings,
				new UdpMembershipTransport(node.settings().bindHost(), udpPort, settings.maxPacketBytes()),
				node.settings().clusterSecret(), node.id(), node.name(), address.host(), MemberMetadata.NONE);
		MemberLinks links = new MemberLinks(node, membership);
		membership.addListener(links::memberChanged);
		membership.addListener(StateSync.start(node, membership, links.timer)::memberChanged);
		List.of(listeners).forEach(membership::addListener);
		node.addListener(links.new BrokenLinks());
		membership.start();
		links.advertise();
		links.seeds = seeds.stream().map(PeerAddress::parse).filter(seed -> !SeedConnector.isSelf(address, seed)).toList();
		membership.join(links.seeds.stream()
			.map(seed -> new InetSocketAddress(seed.host(), (port != 0) ? port : seed.port()))
			.toList());
		long period = settings.probeInterval().toNanos();
		links.timer.scheduleWithFixedDelay(links::round, period, period, TimeUnit.NANOSECONDS);
		return links;
	}

	/** @return whether seeds other than the node itself were given (a node with seeds expects company) */
	public boolean hasSeeds() {
		return !this.seeds.isEmpty();
	}

	/** @return the membership */
	public Membership membership() {
		return this.membership;
	}

	/** Leaves the mesh gracefully (every member sees {@code left} at once) and stops linking. */
	@Override
	public void close() {
		this.timer.shutdownNow();
		this.membership.leave();
	}

	private void round() {
		try {
			advertise();
			this.membership.members().forEach(this::linkIfNeeded);
		}
		catch (RuntimeException ex) {
			log.warn("Node {} failed a membership round: {}", this.node.name(), LogSafe.of(ex), ex);
		}
	}

	/** Spreads the node's topics and services when they changed (both come and go at run time). */
	private void advertise() {
		Set<String> topics = this.node.subscriptions();
		Set<String> services = this.node.services();
		if (!topics.equals(this.advertisedTopics) || !services.equals(this.advertisedServices)) {
			this.advertisedTopics = topics;
			this.advertisedServices = services;
			PeerAddress address = this.node.address();
			this.membership.updateMetadata(new MemberMetadata(address.host(), address.port(), List.copyOf(topics),
					this.node.isRoot(), "chaski/" + WireFormat.PROTOCOL_VERSION, List.copyOf(services), true));
		}
	}

	private void memberChanged(MemberEvent event) {
		switch (event.type()) {
			case JOINED, ALIVE_AGAIN, UPDATED -> {
				this.attempts.remove(event.member().id());
				linkIfNeeded(event.member());
			}
			case DEAD, LEFT -> this.attempts.remove(event.member().id());
			case SUSPECT -> {
				// the member may still refute: its link stays
			}
		}
	}

	private void linkIfNeeded(Member member) {
		if (!wanted(member) || this.node.peer(member.id()).isPresent()) {
			return;
		}
		long now = System.nanoTime();
		Attempt previous = this.attempts.get(member.id());
		if (previous != null && (previous.inFlight || now - previous.notBefore < 0)) {
			return;
		}
		int number = (previous != null) ? previous.number + 1 : 1;
		this.attempts.put(member.id(), new Attempt(number, true, 0));
		MemberMetadata metadata = member.metadata();
		this.node.connect(metadata.tcpHost(), metadata.tcpPort()).whenComplete((peer, failure) -> {
			if (failure == null) {
				this.attempts.remove(member.id());
				return;
			}
			long delay = this.backoff.delayBefore(number).toNanos();
			this.attempts.put(member.id(), new Attempt(number, false, System.nanoTime() + delay));
			log.debug("Node {} could not link to member {} ({}); retrying in {} ms", this.node.name(),
					LogSafe.of(member.name()), SeedConnector.reason(failure), delay / 1_000_000);
		});
	}

	/** @return whether the node should hold a TCP link to the member */
	private boolean wanted(Member member) {
		if (member.state() != MemberState.ALIVE || member.id().equals(this.node.id())
				|| member.metadata().tcpPort() == 0 || !this.node.isStarted()) {
			return false;
		}
		return this.node.isRoot() || member.metadata().sharesAny(this.node.subscriptions());
	}

	private record Attempt(int number, boolean inFlight, long notBefore) {
	}

	/** A link that breaks without a goodbye: ask membership to check the member now. */
	private final class BrokenLinks implements NodeListener {

		@Override
		public void peerDisconnected(PeerInfo peer, boolean graceful) {
			if (!graceful) {
				try {
					MemberLinks.this.timer.execute(() -> MemberLinks.this.membership.probeNow(peer.nodeId()));
				}
				catch (RejectedExecutionException ex) {
					// closing
				}
			}
		}

	}

}
