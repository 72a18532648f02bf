package io.chaski.node;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

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
 * address and topics; it links to the members {@link Pairing} chooses (per topic at most
 * {@code max-connections}, a root, the subscribers of topics it publishes to) and links again after any outage,
 * with backoff but without a budget; links beyond the choice close when idle; a link that breaks without a
 * goodbye makes membership probe the member and check its TCP port at once (a hint, not a verdict). Seeds are
 * asked over UDP (membership's join) and dialled over TCP until a link to each is made, with capped backoff and
 * no give-up.
 */
public final class MemberLinks implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(MemberLinks.class);

	private final ChaskiNode node;

	private final Membership membership;

	private final Backoff backoff;

	private final ScheduledThreadPoolExecutor timer;

	/** Members being dialled, or waiting for their next attempt. */
	private final Map<UUID, Attempt> attempts = new ConcurrentHashMap<>();

	/** The topics last advertised; {@code null} until the first advertisement (a node without topics advertises too). */
	private volatile Set<String> advertisedTopics;

	private final Pairing pairing;

	/** Members pairing chose at the last round: their links are kept. */
	private volatile Set<UUID> chosen = Set.of();

	/** Topics some other alive member subscribes to at the last round, and whether a root is alive. */
	private volatile Reach reach = new Reach(Set.of(), false);

	private final AtomicBoolean roundRequested = new AtomicBoolean();

	/** Seeds not linked yet: being dialled, or waiting for their next attempt. */
	private final Map<PeerAddress, Attempt> seedAttempts = new ConcurrentHashMap<>();

	private volatile Set<String> advertisedServices = Set.of();

	private List<PeerAddress> seeds = List.of();

	private MemberLinks(ChaskiNode node, Membership membership) {
		this.node = node;
		this.membership = membership;
		this.backoff = new Backoff(node.settings().reconnectInitialBackoff(), node.settings().reconnectMaxBackoff());
		this.timer = DaemonThreads.timer(node.name() + "-links");
		this.pairing = new Pairing(node.settings().maxConnections());
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
		node.useLinkPlan(links.new Plan());
		membership.start();
		links.advertise();
		links.seeds = seeds.stream().map(PeerAddress::parse).filter(seed -> !isSelf(address, seed)).toList();
		membership.join(links.seeds.stream()
			.map(seed -> new InetSocketAddress(seed.host(), (port != 0) ? port : seed.port()))
			.toList());
		links.seeds.forEach(seed -> links.seedAttempts.put(seed, new Attempt(0, false, System.nanoTime())));
		links.dialSeeds();
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
		this.node.useLinkPlan(LinkPlan.TOPICS_ONLY);
		this.membership.leave();
	}

	/** Pairs again: advertises the node's topics, chooses the links it needs and dials those missing. */
	private void round() {
		try {
			advertise();
			dialSeeds();
			List<Member> linkable = this.membership.members().stream().filter(this::linkable).toList();
			this.reach = new Reach(linkable.stream()
				.filter(member -> member.state() == MemberState.ALIVE)
				.flatMap(member -> member.metadata().subscriptions().stream())
				.collect(Collectors.toUnmodifiableSet()),
					linkable.stream().anyMatch(member -> member.metadata().root()));
			Set<UUID> next = choose(linkable);
			if (!next.equals(this.chosen)) {
				log.debug("Node {} pairs with {} member(s)", this.node.name(), next.size());
			}
			this.chosen = next;
			linkable.stream().filter(member -> next.contains(member.id())).forEach(this::linkIfNeeded);
		}
		catch (RuntimeException ex) {
			log.warn("Node {} failed a membership round: {}", this.node.name(), LogSafe.of(ex), ex);
		}
	}

	private Set<UUID> choose(List<Member> linkable) {
		Map<UUID, Double> latencies = new HashMap<>();
		this.node.peers().forEach(peer -> latencies.put(peer.nodeId(), peer.latencyMillis()));
		Set<String> published = this.node.publishedTopics()
			.sweep(System.nanoTime(), this.node.settings().idleTimeout().toNanos());
		return this.pairing.choose(new Pairing.Candidate(this.node.id(), this.node.subscriptions(), this.node.isRoot()),
				published, linkable.stream().map(MemberLinks::candidate).toList(), latencies);
	}

	private static Pairing.Candidate candidate(Member member) {
		return new Pairing.Candidate(member.id(), Set.copyOf(member.metadata().subscriptions()),
				member.metadata().root());
	}

	/** Runs a round soon on the links' timer; requests made before it starts share it. */
	private void requestRound() {
		if (this.roundRequested.compareAndSet(false, true)) {
			try {
				this.timer.execute(() -> {
					this.roundRequested.set(false);
					round();
				});
			}
			catch (RejectedExecutionException ex) {
				// closing
			}
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
			case JOINED, ALIVE_AGAIN, UPDATED, DEAD, LEFT -> {
				// a member came, changed or went: the choice may change (a lost link is replaced)
				this.attempts.remove(event.member().id());
				requestRound();
			}
			case SUSPECT -> {
				// the member may still refute: its link stays
			}
		}
	}

	private void linkIfNeeded(Member member) {
		if (member.state() != MemberState.ALIVE || !this.node.isStarted() || this.node.peer(member.id()).isPresent()) {
			return;
		}
		MemberMetadata metadata = member.metadata();
		dial(this.attempts, member.id(), metadata.tcpHost(), metadata.tcpPort(), (peer, failure, delay) -> {
			if (failure != null) {
				log.debug("Node {} could not link to member {} ({}); retrying in {} ms", this.node.name(),
						LogSafe.of(member.name()), reason(failure), delay.toMillis());
			}
		});
	}

	/** Dials every seed not linked yet whose backoff has passed; a linked seed is done (membership takes over). */
	private void dialSeeds() {
		for (PeerAddress seed : this.seedAttempts.keySet()) {
			dial(this.seedAttempts, seed, seed.host(), seed.port(), (peer, failure, delay) -> {
				if (failure == null) {
					this.seedAttempts.remove(seed);
					log.info("Node {} joined the mesh through seed {} ({})", this.node.name(), seed,
							LogSafe.of(peer.name()));
				}
				else if (this.node.isStarted()) {
					log.info("Node {} cannot reach seed {} yet ({}); retrying in {} ms", this.node.name(), seed,
							reason(failure), delay.toMillis());
				}
			});
		}
	}

	/**
	 * Dials an address unless an attempt is in flight or its backoff has not passed; a failure schedules the
	 * next attempt, without a budget.
	 */
	private <K> void dial(Map<K, Attempt> attempts, K key, String host, int port, Outcome outcome) {
		long now = System.nanoTime();
		Attempt previous = attempts.get(key);
		if (previous != null && (previous.inFlight || now - previous.notBefore < 0)) {
			return;
		}
		int number = (previous != null) ? previous.number + 1 : 1;
		attempts.put(key, new Attempt(number, true, 0));
		this.node.connect(host, port).whenComplete((peer, failure) -> {
			if (failure == null) {
				attempts.remove(key);
				outcome.completed(peer, null, Duration.ZERO);
				return;
			}
			Duration delay = this.backoff.delayBefore(number);
			attempts.replace(key, new Attempt(number, false, System.nanoTime() + delay.toNanos()));
			outcome.completed(null, failure, delay);
		});
	}

	/** @return whether pairing may choose the member: another node with a TCP address, alive or suspect */
	private boolean linkable(Member member) {
		return (member.state() == MemberState.ALIVE || member.state() == MemberState.SUSPECT)
				&& !member.id().equals(this.node.id()) && member.metadata().tcpPort() != 0;
	}

	/** @return the members pairing chose at the last round */
	Set<UUID> chosen() {
		return this.chosen;
	}

	/** Topics some other alive member subscribes to, and whether a root (which takes every topic) is alive. */
	private record Reach(Set<String> topics, boolean root) {

		boolean covers(String topic) {
			return this.root || this.topics.contains(topic);
		}

	}

	/**
	 * @param self a node's own address, {@code null} before it started
	 * @param seed a seed address
	 * @return whether the seed is that node (its port on one of this machine's addresses)
	 */
	static boolean isSelf(PeerAddress self, PeerAddress seed) {
		if (self == null || self.port() != seed.port()) {
			return false;
		}
		try {
			InetAddress address = InetAddress.getByName(seed.host());
			return address.isAnyLocalAddress() || address.isLoopbackAddress()
					|| NetworkInterface.getByInetAddress(address) != null;
		}
		catch (UnknownHostException | SocketException ex) {
			return false;
		}
	}

	/**
	 * @param failure why a connection attempt failed, as wrapped by the transport and the futures
	 * @return the innermost cause in a few words: "Connection refused" rather than the chain of wrappers (whose
	 * messages repeat the address), and what a rejected task or a timeout means here
	 */
	static String reason(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		if (root instanceof RejectedExecutionException) {
			return "the node is stopping";
		}
		if (root instanceof TimeoutException) {
			return "no handshake within the connect and handshake timeouts";
		}
		return (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
	}

	private record Attempt(int number, boolean inFlight, long notBefore) {
	}

	/**
	 * The node's links under pairing: an idle link is kept if pairing chose it, or if the other side opened it
	 * and shares a topic (it is the other side's choice; links are not counted against the limit of the node
	 * that accepts them); a link this node opened that pairing no longer chooses closes when idle.
	 */
	private final class Plan implements LinkPlan {

		/** How often a publish waiting for its first link looks for it. */
		private static final long POLL_NANOS = 1_000_000;

		@Override
		public boolean keeps(ChaskiNode node, Edge edge) {
			if (MemberLinks.this.chosen.contains(edge.nodeId())) {
				return true;
			}
			return !edge.connection().initiatedLocally() && LinkPlan.sharesTopic(node, edge);
		}

		/** Pairing links again to every member it chooses while membership says it is alive, without a budget. */
		@Override
		public boolean relinks() {
			return true;
		}

		@Override
		public Route awaitRoute(String topic, long timeoutNanos) {
			if (!MemberLinks.this.reach.covers(topic)) {
				return Route.NONE;
			}
			requestRound();
			long deadline = System.nanoTime() + timeoutNanos;
			while (MemberLinks.this.node.edges().stream().noneMatch(edge -> edge.wants(topic) && !edge.isClosed())) {
				if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
					return Route.UNREACHABLE;
				}
				LockSupport.parkNanos(POLL_NANOS);
			}
			return Route.LINKED;
		}

	}

	/** What became of one dial. */
	@FunctionalInterface
	private interface Outcome {

		/**
		 * @param peer the peer linked, {@code null} on failure
		 * @param failure why it failed, {@code null} on success
		 * @param delay until the next attempt after a failure
		 */
		void completed(PeerInfo peer, Throwable failure, Duration delay);

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
