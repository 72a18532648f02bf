package io.chaski.membership;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Members on a {@link MemoryNetwork} driven by a virtual clock: {@link #run} advances time in ticks of a tenth
 * of the probe interval, ticking every member and delivering every packet. Deterministic for a given seed.
 */
final class SimCluster {

	final MemoryNetwork network;

	final List<Membership> members = new ArrayList<>();

	final List<List<MemberEvent>> events = new ArrayList<>();

	private final MembershipSettings settings;

	private final Random random;

	private final Set<Membership> stopped = new HashSet<>();

	private int started;

	/** Whether members added join through the first one. */
	boolean joinThroughFirst = true;

	/**
	 * How members added check a member's port: by default nothing is ever refused (a machine that vanished);
	 * {@link MemoryNetwork#listenerCheck()} refuses at a killed member's address (a killed process).
	 */
	ListenerCheck listenerCheck = ListenerCheck.NONE;

	private List<MemberEvent> lastEvents;

	private long now = 1_000_000_000L;

	SimCluster(long seed, MembershipSettings settings) {
		this.random = new Random(seed);
		this.network = new MemoryNetwork(new Random(seed + 1));
		this.settings = settings;
	}

	/** Adds a started member; the first one added is everyone's seed. */
	Membership add() {
		Membership member = start(this.network.newTransport());
		this.members.add(member);
		this.events.add(this.lastEvents);
		return member;
	}

	/**
	 * Starts a new process (new id) at the address of a stopped member, in its place.
	 * @param index the stopped member's index
	 * @return the new member
	 */
	Membership restart(int index) {
		Member old = this.members.get(index).self();
		Membership member = start(this.network.newTransport(new InetSocketAddress(old.host(), old.port())));
		this.members.set(index, member);
		this.events.set(index, this.lastEvents);
		return member;
	}

	private Membership start(MembershipTransport transport) {
		int id = ++this.started;
		Membership member = new Membership(this.settings, transport, null,
				new Member(new UUID(0, id), "m" + id, "", 0, MemberState.ALIVE, 0, MemberMetadata.NONE),
				this.listenerCheck, () -> this.now, new Random(this.random.nextLong()));
		this.lastEvents = new ArrayList<>();
		member.addListener(this.lastEvents::add);
		member.startManually();
		if (!this.members.isEmpty() && this.joinThroughFirst) {
			Member seed = this.members.get(0).self();
			if (!seed.host().equals(member.self().host()) || seed.port() != member.self().port()) {
				member.join(List.of(new InetSocketAddress(seed.host(), seed.port())));
			}
		}
		return member;
	}

	/** Makes every member know every other alive, as after a completed join (large simulations). */
	void introduceAll() {
		List<Member> all = this.members.stream().map(Membership::self).toList();
		for (Membership member : this.members) {
			for (Member other : all) {
				if (!other.id().equals(member.self().id())) {
					member.swim().learn(other, this.now);
				}
			}
		}
	}

	/** @return the virtual time */
	long now() {
		return this.now;
	}

	/** @return whether the member was stopped */
	boolean isStopped(Membership member) {
		return this.stopped.contains(member);
	}

	/** Advances virtual time, ticking every running member and delivering every packet. */
	void run(Duration duration) {
		long step = this.settings.probeInterval().toNanos() / 10;
		for (long end = this.now + duration.toNanos(); this.now < end; this.now += step) {
			tickAll();
		}
	}

	/**
	 * Advances time until the condition holds or the limit passes.
	 * @return the virtual time it took, or {@code null} if it never held
	 */
	Duration runUntil(BooleanSupplier condition, Duration limit) {
		long step = this.settings.probeInterval().toNanos() / 10;
		long start = this.now;
		for (long end = this.now + limit.toNanos(); this.now < end; this.now += step) {
			if (condition.getAsBoolean()) {
				return Duration.ofNanos(this.now - start);
			}
			tickAll();
		}
		return condition.getAsBoolean() ? Duration.ofNanos(this.now - start) : null;
	}

	private void tickAll() {
		for (Membership member : this.members) {
			if (!this.stopped.contains(member)) {
				member.tick();
			}
		}
		this.network.deliverAll();
	}

	/** Stops a member without a word (its endpoint disappears). */
	void kill(Membership member) {
		this.stopped.add(member);
		member.close();
	}

	/** Stops a member gracefully. */
	void leave(Membership member) {
		this.stopped.add(member);
		member.leave();
	}

	/**
	 * @param observer a member
	 * @param subject another
	 * @return the state the observer sees the subject in, or {@code null} if unknown
	 */
	static MemberState stateOf(Membership observer, Membership subject) {
		UUID id = subject.self().id();
		return observer.member(id).map(Member::state).orElse(null);
	}

	/** @return whether every running member sees every other running member alive, and no one else active */
	boolean converged() {
		List<Membership> running = this.members.stream().filter(member -> !this.stopped.contains(member)).toList();
		for (Membership observer : running) {
			long alive = observer.members().stream().filter(member -> member.state() == MemberState.ALIVE).count();
			if (alive != running.size()) {
				return false;
			}
		}
		return true;
	}

}
