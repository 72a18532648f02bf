package io.chaski.membership;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.security.ClusterSecret;
import io.chaski.support.DaemonThreads;
import io.chaski.support.LogSafe;
import io.chaski.support.RateLimitedLog;

/**
 * Membership of one node: who is alive, suspect, dead or left, learnt with SWIM over a
 * {@link MembershipTransport} (docs/membership.md). Start it with {@link #start()}, join with
 * {@link #join(List)}, stop with {@link #leave()} (graceful) or {@link #close()}.
 */
public final class Membership implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Membership.class);

	/** Timer resolution, as a fraction of the probe interval. */
	private static final int TICKS_PER_PROBE = 10;

	/** TCP port checks waiting for a thread; more are dropped (the member then goes through suspicion). */
	private static final int MAX_QUEUED_CHECKS = 64;

	private final MembershipSettings settings;

	private final MembershipTransport transport;

	private final MembershipStats stats = new MembershipStats();

	private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();

	private final RateLimitedLog warnings = new RateLimitedLog(log);

	private final LongSupplier clock;

	private final Random random;

	private final ClusterSecret secret;

	private final Member initial;

	private final ListenerCheck listenerCheck;

	private volatile Swim swim;

	private ScheduledThreadPoolExecutor timer;

	/** Runs the TCP port checks; inline until {@link #start()} (the simulation has no threads). */
	private Executor checkRunner = Runnable::run;

	private ThreadPoolExecutor checkThreads;

	/**
	 * @param settings timings and limits
	 * @param transport the network
	 * @param secret signs and checks every packet; {@code null} for none
	 * @param id this member's id (the node's)
	 * @param name its name
	 * @param advertisedHost host the others send to (the node's advertised host); {@code null} for the address
	 * the transport is bound to
	 * @param metadata what it advertises
	 */
	public Membership(MembershipSettings settings, MembershipTransport transport, ClusterSecret secret, UUID id,
			String name, String advertisedHost, MemberMetadata metadata) {
		this(settings, transport, secret,
				new Member(id, name, (advertisedHost != null) ? advertisedHost : "", 0, MemberState.ALIVE, 0, metadata),
				new TcpListenerCheck(), System::nanoTime, new SecureRandom());
	}

	/**
	 * For the simulation: a given port check, clock and random source, no timer thread ({@link #tick()} drives
	 * it, port checks run inline).
	 */
	Membership(MembershipSettings settings, MembershipTransport transport, ClusterSecret secret, Member initial,
			ListenerCheck listenerCheck, LongSupplier clock, Random random) {
		this.settings = settings;
		this.transport = transport;
		this.secret = secret;
		this.initial = initial;
		this.listenerCheck = listenerCheck;
		this.clock = clock;
		this.random = random;
	}

	/**
	 * Starts receiving and probing on a timer thread.
	 * @return this
	 */
	public synchronized Membership start() {
		startManually();
		// two threads: a check that waits for its timeout must not hold up the next one for long
		this.checkThreads = new ThreadPoolExecutor(2, 2, 10, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(MAX_QUEUED_CHECKS), DaemonThreads.factory(this.initial.name() + "-check-"),
				new ThreadPoolExecutor.DiscardPolicy());
		this.checkThreads.allowCoreThreadTimeOut(true);
		this.checkRunner = this.checkThreads;
		this.timer = DaemonThreads.timer(this.initial.name() + "-membership");
		long period = Math.max(1, this.settings.probeInterval().toNanos() / TICKS_PER_PROBE);
		this.timer.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
		return this;
	}

	/** Starts receiving without a timer: the simulation calls {@link #tick()}. */
	synchronized void startManually() {
		if (this.swim != null) {
			throw new IllegalStateException("already started");
		}
		this.transport.start(this::received);
		InetSocketAddress local = this.transport.localAddress();
		// an address literal: peers must not need a name lookup per packet
		String host = (this.initial.host().isEmpty()) ? local.getAddress().getHostAddress() : this.initial.host();
		Member self = new Member(this.initial.id(), this.initial.name(), host, local.getPort(), MemberState.ALIVE, 0,
				this.initial.metadata());
		this.swim = new Swim(this.settings, new PacketCodec(this.secret, this.settings.maxPacketBytes()),
				this.transport, this.stats, this.random, self);
	}

	/**
	 * Joins through seeds: they are asked for their member list until one answers, with a backoff capped at
	 * {@link MembershipSettings#joinMaxBackoff()}, and again whenever no other member is alive.
	 * @param seeds membership endpoints of other members
	 */
	public void join(List<InetSocketAddress> seeds) {
		swim().join(seeds);
	}

	/** @param listener told about every change of the member list */
	public void addListener(MembershipListener listener) {
		this.listeners.add(listener);
	}

	/** @return this member and every member known, alive or not */
	public List<Member> members() {
		Swim current = this.swim;
		return (current != null) ? current.members() : List.of();
	}

	/**
	 * @param id a member id
	 * @return the member, if known
	 */
	public Optional<Member> member(UUID id) {
		return members().stream().filter(member -> member.id().equals(id)).findFirst();
	}

	/** @return this member */
	public Member self() {
		return swim().self();
	}

	/**
	 * @return Lifeguard's local health score: 0 when this node's probes are answered, up to 7 when they keep failing
	 * without other members confirming (probe interval and timeout are multiplied by score + 1); 0 before start
	 */
	public int health() {
		Swim current = this.swim;
		return (current != null) ? current.health() : 0;
	}

	/** @return the protocol's counters */
	public MembershipStats stats() {
		return this.stats;
	}

	/** @return the settings */
	public MembershipSettings settings() {
		return this.settings;
	}

	/** @param metadata new metadata for this member, spread with gossip */
	public void updateMetadata(MemberMetadata metadata) {
		swim().updateMetadata(metadata);
	}

	/**
	 * Applies a member list received whole from another member over an authenticated TCP link (a state sync):
	 * what it knows better than this node is taken as if gossiped, and changes are published as events.
	 * @param from the member that sent it
	 * @param members its records
	 */
	public void merge(UUID from, List<Member> members) {
		Swim current = swim();
		current.merge(from, members, this.clock.getAsLong());
		publishEvents(current);
	}

	/** @return this member's multicast announcement */
	byte[] announcement() {
		return swim().announcement();
	}

	/** @param data a multicast announcement heard from the group */
	void announced(byte[] data) {
		Swim current = swim();
		try {
			current.announced(data, this.clock.getAsLong());
		}
		catch (RuntimeException ex) {
			this.stats.reject(RejectReason.MALFORMED);
			this.warnings.warn("announce", "Membership of {} dropped an announcement: {}", this.initial.name(),
					LogSafe.of(ex), ex);
		}
		publishEvents(current);
	}

	/**
	 * Probes a member now (for example because its TCP connection broke) and checks its TCP port at the same
	 * time: if it does not answer within the probe timeout and its port refused a connection, it is dead at once;
	 * if it does not answer, directly or through others, it becomes suspect now instead of at its next turn.
	 * @param id the member
	 */
	public void probeNow(UUID id) {
		Swim current = this.swim;
		if (current != null) {
			current.probeNow(id, this.clock.getAsLong());
			afterwards(current);
		}
	}

	/** Announces a graceful stop to every live member, then closes. */
	public void leave() {
		Swim current = this.swim;
		if (current != null) {
			current.leave();
		}
		close();
	}

	/** Stops without saying goodbye: the others will find this member dead. */
	@Override
	public synchronized void close() {
		if (this.timer != null) {
			this.timer.shutdownNow();
			this.timer = null;
		}
		if (this.checkThreads != null) {
			this.checkThreads.shutdownNow();
		}
		this.transport.close();
	}

	/** Runs every due timer; the timer thread calls it, the simulation too. */
	void tick() {
		Swim current = this.swim;
		try {
			current.tick(this.clock.getAsLong());
		}
		catch (RuntimeException ex) {
			// a bug must not stop the timer: the next tick tries again
			this.warnings.warn("tick", "Membership of {} failed a round: {}", this.initial.name(), LogSafe.of(ex), ex);
		}
		afterwards(current);
	}

	private void received(InetSocketAddress from, byte[] data) {
		Swim current = this.swim;
		try {
			current.received(from, data, this.clock.getAsLong());
		}
		catch (RuntimeException ex) {
			// the receive loop must survive any packet
			this.stats.reject(RejectReason.MALFORMED);
			this.warnings.warn("receive", "Membership of {} dropped a packet from {}: {}", this.initial.name(), from,
					LogSafe.of(ex), ex);
		}
		afterwards(current);
	}

	/** Publishes the events of a step and starts the port checks it asked for, outside the protocol's lock. */
	private void afterwards(Swim current) {
		publishEvents(current);
		for (Member member : current.drainChecks()) {
			this.checkRunner.execute(() -> check(current, member));
		}
	}

	private void check(Swim current, Member member) {
		if (this.listenerCheck.refused(member, this.settings.probeTimeout())) {
			log.debug("Membership of {}: the TCP port of member {} refuses connections", this.initial.name(),
					LogSafe.of(member.name()));
			current.refused(member.id(), this.clock.getAsLong());
			publishEvents(current);
		}
	}

	private void publishEvents(Swim current) {
		for (MemberEvent event : current.drainEvents()) {
			log.info("Member {} ({}) is {}: {}", LogSafe.of(event.member().name()), event.member().id(),
					event.type(), event.member().address());
			for (MembershipListener listener : this.listeners) {
				try {
					listener.memberChanged(event);
				}
				catch (RuntimeException ex) {
					log.warn("Membership listener {} failed on {}", listener, event, ex);
				}
			}
		}
	}

	/** @return the protocol, for tests */
	Swim swim() {
		Swim current = this.swim;
		if (current == null) {
			throw new IllegalStateException("membership not started");
		}
		return current;
	}

}
