package io.chaski.membership;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The SWIM protocol with the Lifeguard suspicion timer, as a state machine driven from outside: {@link #tick}
 * with the current time and {@link #received} with each datagram. It never reads a clock or sleeps, so the same
 * code runs on real UDP and in a deterministic simulation. Every method holds the instance lock; packets are
 * sent under it (sending a datagram does not block for long).
 */
final class Swim {

	/** Most members remembered: a flood of forged records must not exhaust the heap. */
	static final int MAX_MEMBERS = 16_384;

	/** Most SYNC_REPLY packets sent for one SYNC. */
	static final int MAX_SYNC_PACKETS = 64;

	/** Most SYNCs answered per probe interval; joiners retry with backoff. */
	static final int SYNC_REPLIES_PER_INTERVAL = 16;

	/** Worst local health score + 1: probes slow down at most this many times (memberlist's awareness limit). */
	static final int MAX_HEALTH_MULTIPLIER = 8;

	private final MembershipSettings settings;

	private final PacketCodec codec;

	private final MembershipTransport transport;

	private final MembershipStats stats;

	private final Random random;

	private final Map<UUID, Entry> members = new HashMap<>();

	private final Map<Integer, Probe> probes = new HashMap<>();

	private final Map<Integer, Relay> relays = new HashMap<>();

	private final Broadcasts broadcasts;

	private final List<MemberEvent> events = new ArrayList<>();

	/** Members whose TCP port should be checked (their probe failed, or their link broke). */
	private final List<Member> checks = new ArrayList<>();

	private List<Entry> active = new ArrayList<>();

	private boolean activeChanged;

	private final List<Entry> probeOrder = new ArrayList<>();

	private int probeIndex;

	private List<InetSocketAddress> seeds = List.of();

	private Member self;

	private int sequence;

	private long nextProbe = Long.MIN_VALUE;

	private long nextGossip = Long.MIN_VALUE;

	private long nextJoin = Long.MIN_VALUE;

	private long nextPushPull = Long.MIN_VALUE;

	private int joinAttempts;

	/**
	 * Lifeguard's local health awareness: 0 is healthy. Failed probes that no helper confirmed with a NACK, and
	 * refutations, raise it; acks lower it. Probe interval and timeout are multiplied by health + 1, so a node
	 * that is itself slow (overloaded, losing packets) probes less eagerly instead of suspecting healthy members.
	 */
	private int health;

	/** A SYNC is answered with up to {@link #MAX_SYNC_PACKETS} packets: bounded, so it cannot amplify floods. */
	private final SyncBudget syncReplies;

	private boolean leaving;

	Swim(MembershipSettings settings, PacketCodec codec, MembershipTransport transport, MembershipStats stats,
			Random random, Member self) {
		this.settings = settings;
		this.codec = codec;
		this.broadcasts = new Broadcasts(codec::record);
		this.transport = transport;
		this.stats = stats;
		this.random = random;
		this.self = self;
		this.syncReplies = new SyncBudget(SYNC_REPLIES_PER_INTERVAL, settings.probeInterval().toNanos());
	}

	// ---------------------------------------------------------------- driven from outside

	/**
	 * @param addresses membership endpoints to join through, retried while no other member is alive
	 */
	synchronized void join(List<InetSocketAddress> addresses) {
		this.seeds = List.copyOf(addresses);
		this.joinAttempts = 0;
		this.nextJoin = Long.MIN_VALUE;
	}

	/** @param now the current time in nanoseconds: runs every timer that is due */
	synchronized void tick(long now) {
		if (this.leaving) {
			return;
		}
		expireProbes(now);
		expireRelays(now);
		expireSuspicions(now);
		reprobeDead(now);
		joinIfAlone(now);
		if (now - this.nextProbe >= 0 || this.nextProbe == Long.MIN_VALUE) {
			this.nextProbe = now + scaled(interval());
			probeNext(now);
		}
		if (now - this.nextGossip >= 0 || this.nextGossip == Long.MIN_VALUE) {
			this.nextGossip = now + this.settings.gossipInterval().toNanos();
			gossip();
		}
		if (this.nextPushPull == Long.MIN_VALUE) {
			// spread the first exchange over an interval, so members started together do not sync in step
			this.nextPushPull = now + (long) (this.random.nextDouble() * this.settings.pushPullInterval().toNanos());
		}
		else if (now - this.nextPushPull >= 0) {
			this.nextPushPull = now + this.settings.pushPullInterval().toNanos();
			for (Entry entry : randomActive(1, null)) {
				sendRaw(entry.address(), PacketType.SYNC, 0, Packet.NOBODY,
						List.of(this.codec.record(this.self)));
			}
		}
	}

	/**
	 * Handles one datagram; a packet that must be dropped is counted, never thrown.
	 * @param from where it came from
	 * @param data its bytes
	 * @param now the current time in nanoseconds
	 */
	synchronized void received(InetSocketAddress from, byte[] data, long now) {
		Packet packet = decodeOrCount(data);
		if (packet == null) {
			return;
		}
		if (this.leaving || packet.sender().equals(this.self.id())) {
			return;
		}
		this.stats.packetsReceived.increment();
		for (Member update : packet.updates()) {
			apply(update, packet.sender(), now);
		}
		switch (packet.type()) {
			case PING -> {
				if (packet.target().equals(this.self.id()) || packet.target().equals(Packet.NOBODY)) {
					send(from, PacketType.ACK, packet.sequence(), Packet.NOBODY, List.of());
				}
			}
			case ACK -> acked(packet.sequence());
			case NACK -> {
				Probe probe = this.probes.get(packet.sequence());
				if (probe != null) {
					probe.nacks++;
				}
			}
			case PING_REQ -> relay(from, packet, now);
			case SYNC -> {
				if (this.syncReplies.tryAcquire(now)) {
					replySync(from);
				}
			}
			case GOSSIP, SYNC_REPLY -> {
				// the updates were all they carried
			}
		}
	}

	/** @return the packet, or {@code null} when it must be dropped (counted by reason) */
	private Packet decodeOrCount(byte[] data) {
		try {
			return this.codec.decode(data);
		}
		catch (PacketRejectedException ex) {
			this.stats.reject(ex.reason());
			return null;
		}
	}

	/** @return a multicast announcement: a SYNC carrying this member's record (signed when a secret is set) */
	synchronized byte[] announcement() {
		return this.codec.encode(PacketType.SYNC, this.self.id(), 0, Packet.NOBODY, List.of(this.codec.record(this.self)));
	}

	/**
	 * A multicast announcement: a member that may not know this node. Unless it is known alive already, its
	 * record is taken and answered with this node's member list at its membership address, as a SYNC is.
	 * @param data the datagram as it arrived
	 * @param now the current time in nanoseconds
	 */
	synchronized void announced(byte[] data, long now) {
		Packet packet = decodeOrCount(data);
		if (packet == null) {
			return;
		}
		if (this.leaving || packet.type() != PacketType.SYNC || packet.sender().equals(this.self.id())
				|| packet.updates().size() != 1 || !packet.updates().get(0).id().equals(packet.sender())) {
			return;
		}
		Member announcer = packet.updates().get(0);
		Entry known = this.members.get(announcer.id());
		if (known != null && known.member.state() == MemberState.ALIVE) {
			return;
		}
		apply(announcer, announcer.id(), now);
		if (this.syncReplies.tryAcquire(now)) {
			replySync(new InetSocketAddress(announcer.host(), announcer.port()));
		}
	}

	/**
	 * Applies a member list received whole over TCP (an authenticated link), as gossip from its sender.
	 * @param from the member that sent it
	 * @param updates its records
	 * @param now the current time in nanoseconds
	 */
	synchronized void merge(UUID from, List<Member> updates, long now) {
		if (!this.leaving) {
			updates.forEach(update -> apply(update, from, now));
		}
	}

	/**
	 * Probes a member now, out of turn, and checks its TCP port at once (its TCP connection broke: a hint, not a
	 * verdict).
	 * @param id the member
	 * @param now the current time in nanoseconds
	 */
	synchronized void probeNow(UUID id, long now) {
		Entry entry = this.members.get(id);
		if (this.leaving || entry == null || !entry.member.state().active()) {
			return;
		}
		Probe probe = this.probes.values().stream().filter(pending -> pending.target.equals(id)).findFirst()
			.orElseGet(() -> startProbe(entry, now));
		requestCheck(probe, entry);
	}

	/**
	 * A connection to the member's TCP port was refused: nothing listens there. If its probe failed too, it is
	 * dead now; the result of a check is ignored once the member answered.
	 * @param id the member
	 * @param now the current time in nanoseconds
	 */
	synchronized void refused(UUID id, long now) {
		Entry entry = this.members.get(id);
		if (this.leaving || entry == null || !entry.member.state().active()) {
			return;
		}
		Probe probe = this.probes.values().stream().filter(pending -> pending.target.equals(id)).findFirst()
			.orElse(null);
		if (probe != null && !probe.indirect) {
			probe.refused = true; // decided when the direct ping times out
		}
		else if (probe != null || entry.member.state() == MemberState.SUSPECT) {
			deadOnRefusal(entry, now);
		}
	}

	/** @return the members whose TCP port should be checked since the last call */
	synchronized List<Member> drainChecks() {
		if (this.checks.isEmpty()) {
			return List.of();
		}
		List<Member> drained = List.copyOf(this.checks);
		this.checks.clear();
		return drained;
	}

	/** @param metadata this member's new metadata, spread with a higher incarnation */
	synchronized void updateMetadata(MemberMetadata metadata) {
		if (!this.leaving && !metadata.equals(this.self.metadata())) {
			this.self = new Member(this.self.id(), this.self.name(), this.self.host(), this.self.port(),
					MemberState.ALIVE, this.self.incarnation() + 1, metadata);
			this.broadcasts.add(this.self);
		}
	}

	/** Announces a graceful stop to every live member at once; the instance does nothing afterwards. */
	synchronized void leave() {
		if (this.leaving) {
			return;
		}
		this.leaving = true;
		this.self = this.self.with(MemberState.LEFT, this.self.incarnation() + 1);
		announce(this.self);
	}

	/** @return this member and every member it knows, in no particular order */
	synchronized List<Member> members() {
		List<Member> all = new ArrayList<>(this.members.size() + 1);
		all.add(this.self);
		this.members.values().forEach(entry -> all.add(entry.member));
		return all;
	}

	/** @return this member as it is now */
	synchronized Member self() {
		return this.self;
	}

	/** @return the events since the last call, in order */
	synchronized List<MemberEvent> drainEvents() {
		if (this.events.isEmpty()) {
			return List.of();
		}
		List<MemberEvent> drained = List.copyOf(this.events);
		this.events.clear();
		return drained;
	}

	/**
	 * For the simulation: knows a member as after a completed join, without events or gossip.
	 * @param member an alive member
	 * @param now the current time in nanoseconds
	 */
	synchronized void learn(Member member, long now) {
		this.members.put(member.id(), new Entry(member, now));
		this.activeChanged = true;
	}

	/** @return the local health score: 0 healthy, up to {@link #MAX_HEALTH_MULTIPLIER} - 1 */
	synchronized int health() {
		return this.health;
	}

	/** @return member updates still being spread (for tests and the simulation) */
	synchronized int pendingBroadcasts() {
		return this.broadcasts.size();
	}

	// ---------------------------------------------------------------- gossip

	private void apply(Member update, UUID from, long now) {
		if (update.id().equals(this.self.id())) {
			refuteIfNeeded(update);
			return;
		}
		Entry entry = this.members.get(update.id());
		switch (update.state()) {
			case ALIVE -> applyAlive(update, entry, now);
			case SUSPECT -> applySuspect(update, entry, from, now);
			case DEAD, LEFT -> applyGone(update, entry, now);
		}
	}

	private void refuteIfNeeded(Member update) {
		if (update.state() != MemberState.ALIVE && update.incarnation() >= this.self.incarnation()) {
			this.self = this.self.with(MemberState.ALIVE, update.incarnation() + 1);
			this.broadcasts.add(this.self);
			this.stats.refutations.increment();
			// others could not reach this node: perhaps it is the slow one
			changeHealth(1);
		}
	}

	private void applyAlive(Member update, Entry entry, long now) {
		if (entry == null) {
			if (this.members.size() >= MAX_MEMBERS) {
				return;
			}
			supersede(update, now);
			this.members.put(update.id(), new Entry(update, now));
			this.activeChanged = true;
			changed(MemberEvent.Type.JOINED, update);
			return;
		}
		if (update.incarnation() == entry.member.incarnation() && update.metadata().complete()
				&& !entry.member.metadata().complete()) {
			completeMetadata(entry, update.metadata());
			return;
		}
		if (update.incarnation() <= entry.member.incarnation()) {
			return;
		}
		MemberState previous = entry.member.state();
		boolean metadataChanged = !entry.member.metadata().equals(update.metadata());
		entry.set(update, now);
		if (previous != MemberState.ALIVE) {
			this.activeChanged |= !previous.active();
			changed(MemberEvent.Type.ALIVE_AGAIN, update);
		}
		else if (metadataChanged) {
			changed(MemberEvent.Type.UPDATED, update);
		}
		else {
			this.broadcasts.add(update);
		}
	}

	/**
	 * The full metadata of a record that arrived incomplete (from a state sync over TCP): the same incarnation, so
	 * the state stays as it is (an alive record does not override a suspicion or a death it does not outrank).
	 */
	private void completeMetadata(Entry entry, MemberMetadata metadata) {
		Member member = entry.member;
		entry.set(new Member(member.id(), member.name(), member.host(), member.port(), member.state(),
				member.incarnation(), metadata), entry.since);
		if (member.state() == MemberState.ALIVE) {
			this.events.add(new MemberEvent(MemberEvent.Type.UPDATED, entry.member));
		}
	}

	/** A new member at the address of another one: the process restarted (ids are new at every start). */
	private void supersede(Member update, long now) {
		Iterator<Entry> entries = this.members.values().iterator();
		while (entries.hasNext()) {
			Entry old = entries.next();
			if (old.member.port() == update.port() && old.member.host().equals(update.host())) {
				entries.remove();
				this.activeChanged = true;
				if (old.member.state().active()) {
					changed(MemberEvent.Type.DEAD, old.member.with(MemberState.DEAD, old.member.incarnation()));
				}
			}
		}
	}

	private void applySuspect(Member update, Entry entry, UUID from, long now) {
		if (entry == null || update.incarnation() < entry.member.incarnation() || !entry.member.state().active()) {
			return;
		}
		if (entry.member.state() == MemberState.SUSPECT && update.incarnation() == entry.member.incarnation()) {
			if (entry.suspicion.confirm(from)) {
				this.broadcasts.add(entry.member);
			}
			return;
		}
		suspect(entry, update.incarnation(), from, now);
	}

	private void suspect(Entry entry, long incarnation, UUID from, long now) {
		int alive = active().size() + 1;
		long min = (long) (this.settings.suspicionMultiplier() * Math.max(1.0, Math.log10(alive)) * interval());
		long max = min * this.settings.suspicionMaxMultiplier();
		int expected = this.settings.suspicionMultiplier() - 2;
		entry.set(entry.member.with(MemberState.SUSPECT, incarnation), now);
		entry.suspicion = new Suspicion(now, min, max, (alive - 2 < expected) ? 0 : expected, from);
		changed(MemberEvent.Type.SUSPECT, entry.member);
	}

	private void applyGone(Member update, Entry entry, long now) {
		if (entry == null || update.incarnation() < entry.member.incarnation()
				|| entry.member.state() == MemberState.LEFT || entry.member.state() == update.state()) {
			return;
		}
		declare(entry, update.state(), update.incarnation(), now);
	}

	private void declare(Entry entry, MemberState state, long incarnation, long now) {
		entry.set(entry.member.with(state, incarnation), now);
		entry.reprobeDelay = interval();
		entry.nextReprobe = now + interval();
		this.activeChanged = true;
		changed((state == MemberState.DEAD) ? MemberEvent.Type.DEAD : MemberEvent.Type.LEFT, entry.member);
	}

	private void changed(MemberEvent.Type type, Member member) {
		this.events.add(new MemberEvent(type, member));
		this.broadcasts.add(member);
	}

	private void gossip() {
		if (this.broadcasts.isEmpty()) {
			return;
		}
		for (Entry entry : randomActive(this.settings.gossipNodes(), null)) {
			send(entry.address(), PacketType.GOSSIP, 0, Packet.NOBODY, List.of());
		}
	}

	// ---------------------------------------------------------------- probes

	private void probeNext(long now) {
		List<Entry> candidates = active();
		if (candidates.isEmpty()) {
			return;
		}
		for (int tries = 0; tries <= candidates.size(); tries++) {
			if (this.probeIndex >= this.probeOrder.size()) {
				this.probeOrder.clear();
				this.probeOrder.addAll(candidates);
				Collections.shuffle(this.probeOrder, this.random);
				this.probeIndex = 0;
			}
			Entry entry = this.probeOrder.get(this.probeIndex++);
			if (this.members.get(entry.member.id()) == entry && entry.member.state().active()) {
				startProbe(entry, now);
				return;
			}
		}
	}

	private Probe startProbe(Entry entry, long now) {
		int sequence = ++this.sequence;
		Probe probe = new Probe(entry.member.id(), now, scaled(this.settings.probeTimeout().toNanos()),
				scaled(interval()));
		this.probes.put(sequence, probe);
		this.stats.probes.increment();
		// a suspect learns it is suspected from the probe itself, however long ago the gossip about it ran out
		List<byte[]> records = (entry.member.state() == MemberState.SUSPECT)
				? List.of(this.codec.record(entry.member)) : List.of();
		send(entry.address(), PacketType.PING, sequence, entry.member.id(), records);
		return probe;
	}

	private void requestCheck(Probe probe, Entry entry) {
		if (!probe.checked) {
			probe.checked = true;
			this.checks.add(entry.member);
		}
	}

	/**
	 * Its probe failed and its TCP port refused a connection: the process is gone. Declared dead at once and
	 * told to every member directly, as a leave is, rather than suspected (docs/membership.md).
	 */
	private void deadOnRefusal(Entry entry, long now) {
		this.probes.values().removeIf(probe -> probe.target.equals(entry.member.id()));
		this.stats.deathsOnRefusal.increment();
		declare(entry, MemberState.DEAD, entry.member.incarnation(), now);
		announce(entry.member);
	}

	/** Sends one member's record to every live member at once (a leave or a certain death). */
	private void announce(Member member) {
		List<byte[]> record = List.of(this.codec.record(member));
		for (Entry entry : active()) {
			sendRaw(entry.address(), PacketType.GOSSIP, 0, Packet.NOBODY, record);
		}
	}

	private void expireProbes(long now) {
		List<Entry> refused = new ArrayList<>(0);
		Iterator<Map.Entry<Integer, Probe>> pending = this.probes.entrySet().iterator();
		while (pending.hasNext()) {
			Map.Entry<Integer, Probe> next = pending.next();
			Probe probe = next.getValue();
			Entry target = this.members.get(probe.target);
			if (target == null || !target.member.state().active()) {
				pending.remove();
			}
			else if (now - probe.started >= probe.length) {
				pending.remove();
				// helpers that NACKed are alive and could not reach the target either: the target is the problem;
				// without them (or with fewer NACKs than asked for) this node may be the slow one
				changeHealth((probe.helpers > 0) ? Math.max(0, probe.helpers - probe.nacks) : 1);
				if (target.member.state() == MemberState.ALIVE) {
					this.stats.suspicions.increment();
					suspect(target, target.member.incarnation(), this.self.id(), now);
				}
			}
			else if (!probe.indirect && now - probe.started >= probe.timeout) {
				if (probe.refused) {
					pending.remove();
					refused.add(target);
				}
				else {
					probe.indirect = true;
					requestCheck(probe, target);
					for (Entry helper : randomActive(this.settings.indirectChecks(), target)) {
						probe.helpers++;
						this.stats.indirectProbes.increment();
						send(helper.address(), PacketType.PING_REQ, next.getKey(), probe.target, List.of());
					}
				}
			}
		}
		refused.forEach(entry -> deadOnRefusal(entry, now));
	}

	private void acked(int sequence) {
		if (this.probes.remove(sequence) != null) {
			changeHealth(-1);
		}
		Relay relay = this.relays.remove(sequence);
		if (relay != null) {
			send(relay.origin, PacketType.ACK, relay.originSequence, Packet.NOBODY, List.of());
		}
	}

	private void relay(InetSocketAddress from, Packet packet, long now) {
		// only to a member this node knows, at the address it knows: a forged ping-req cannot aim pings (or
		// name lookups) anywhere else
		Entry target = this.members.get(packet.target());
		if (target == null || !target.member.state().active() || this.relays.size() >= MAX_MEMBERS) {
			return;
		}
		int sequence = ++this.sequence;
		this.relays.put(sequence, new Relay(from, packet.sequence(), now));
		send(target.address(), PacketType.PING, sequence, packet.target(), List.of());
	}

	/**
	 * A relayed ping unanswered for 4/5 of a probe timeout is NACKed to the prober once (before the prober's own
	 * probe, asked a probe timeout into its interval, ends); relays end with the interval.
	 */
	private void expireRelays(long now) {
		Iterator<Relay> pending = this.relays.values().iterator();
		while (pending.hasNext()) {
			Relay relay = pending.next();
			if (now - relay.started > interval()) {
				pending.remove();
			}
			else if (!relay.nacked && now - relay.started >= this.settings.probeTimeout().toNanos() * 4 / 5) {
				relay.nacked = true;
				sendRaw(relay.origin, PacketType.NACK, relay.originSequence, Packet.NOBODY, List.of());
			}
		}
	}

	private void changeHealth(int delta) {
		this.health = Math.max(0, Math.min(MAX_HEALTH_MULTIPLIER - 1, this.health + delta));
	}

	/** @return a probe timing stretched by the local health (Lifeguard) */
	private long scaled(long nanos) {
		return nanos * (this.health + 1);
	}

	private void expireSuspicions(long now) {
		for (Entry entry : List.copyOf(this.members.values())) {
			if (entry.member.state() == MemberState.SUSPECT && now - entry.suspicion.deadline() >= 0) {
				entry.suspicion = null;
				declare(entry, MemberState.DEAD, entry.member.incarnation(), now);
			}
		}
	}

	// ---------------------------------------------------------------- dead members, joining, syncing

	private void reprobeDead(long now) {
		Iterator<Entry> entries = this.members.values().iterator();
		while (entries.hasNext()) {
			Entry entry = entries.next();
			if (entry.member.state().active()) {
				continue;
			}
			if (now - entry.since > this.settings.deadRetention().toNanos()) {
				entries.remove();
			}
			else if (now - entry.nextReprobe >= 0) {
				entry.reprobeDelay = Math.min(entry.reprobeDelay * 2, this.settings.reprobeMaxBackoff().toNanos());
				entry.nextReprobe = now + entry.reprobeDelay;
				// the record tells the member, if it is the same process, that it was declared dead: it refutes
				sendRaw(entry.address(), PacketType.SYNC, 0, Packet.NOBODY,
						List.of(this.codec.record(this.self), this.codec.record(entry.member)));
			}
		}
	}

	private void joinIfAlone(long now) {
		if (this.seeds.isEmpty()) {
			return;
		}
		if (!active().isEmpty()) {
			this.joinAttempts = 0;
			return;
		}
		if (this.nextJoin != Long.MIN_VALUE && now - this.nextJoin < 0) {
			return;
		}
		long delay = interval() << Math.min(this.joinAttempts++, 20);
		this.nextJoin = now + Math.min(delay, this.settings.joinMaxBackoff().toNanos());
		List<byte[]> me = List.of(this.codec.record(this.self));
		for (InetSocketAddress seed : this.seeds) {
			if (!seed.equals(this.transport.localAddress())) {
				sendRaw(seed, PacketType.SYNC, 0, Packet.NOBODY, me);
			}
		}
	}

	private void replySync(InetSocketAddress to) {
		int budget = this.settings.maxPacketBytes() - this.codec.overhead();
		List<byte[]> chunk = new ArrayList<>();
		int used = 0;
		int packets = 0;
		for (Member member : members()) {
			byte[] encoded = this.codec.record(member);
			if (used + encoded.length > budget || chunk.size() == 255) {
				if (++packets > MAX_SYNC_PACKETS) {
					return;
				}
				sendRaw(to, PacketType.SYNC_REPLY, 0, Packet.NOBODY, chunk);
				chunk = new ArrayList<>();
				used = 0;
			}
			if (encoded.length <= budget) {
				chunk.add(encoded);
				used += encoded.length;
			}
		}
		sendRaw(to, PacketType.SYNC_REPLY, 0, Packet.NOBODY, chunk);
	}

	// ---------------------------------------------------------------- sending

	/** Sends a packet with as much pending gossip as fits after the given records. */
	private void send(InetSocketAddress to, PacketType type, int sequence, UUID target, List<byte[]> records) {
		int budget = this.settings.maxPacketBytes() - this.codec.overhead();
		for (byte[] record : records) {
			budget -= record.length;
		}
		int limit = this.settings.retransmitMultiplier() * (int) Math.ceil(Math.log10(active().size() + 2));
		List<byte[]> all = new ArrayList<>(records);
		all.addAll(this.broadcasts.take(budget, limit));
		sendRaw(to, type, sequence, target, all);
	}

	private void sendRaw(InetSocketAddress to, PacketType type, int sequence, UUID target, List<byte[]> records) {
		for (byte[] record : records) {
			this.stats.gossipBytes.add(record.length);
		}
		this.transport.send(to, this.codec.encode(type, this.self.id(), sequence, target, records));
	}

	private long interval() {
		return this.settings.probeInterval().toNanos();
	}

	/** @return the other members that are alive or suspect (cached until the list changes) */
	private List<Entry> active() {
		if (this.activeChanged) {
			List<Entry> list = new ArrayList<>();
			for (Entry entry : this.members.values()) {
				if (entry.member.state().active()) {
					list.add(entry);
				}
			}
			this.active = list;
			this.activeChanged = false;
		}
		return this.active;
	}

	private List<Entry> randomActive(int count, Entry except) {
		List<Entry> candidates = active();
		List<Entry> chosen = new ArrayList<>(count);
		for (int tries = 0; chosen.size() < count && tries < 3 * count + 3 && !candidates.isEmpty(); tries++) {
			Entry entry = candidates.get(this.random.nextInt(candidates.size()));
			if (entry != except && entry.member.state() == MemberState.ALIVE && !chosen.contains(entry)) {
				chosen.add(entry);
			}
		}
		return chosen;
	}

	/** What this node knows of one other member. */
	private static final class Entry {

		Member member;

		long since;

		Suspicion suspicion;

		long nextReprobe;

		long reprobeDelay;

		private InetSocketAddress address;

		Entry(Member member, long now) {
			set(member, now);
		}

		void set(Member updated, long now) {
			if (this.member == null || updated.state() != this.member.state()) {
				this.since = now;
			}
			if (this.member == null || !updated.host().equals(this.member.host()) || updated.port() != this.member.port()) {
				this.address = null;
			}
			this.member = updated;
			if (updated.state() != MemberState.SUSPECT) {
				this.suspicion = null;
			}
		}

		InetSocketAddress address() {
			if (this.address == null) {
				this.address = new InetSocketAddress(this.member.host(), this.member.port());
			}
			return this.address;
		}

	}

	/** A probe in flight. */
	private static final class Probe {

		final UUID target;

		final long started;

		/** When indirect probes are asked for (the probe timeout, scaled by local health). */
		final long timeout;

		/** When it fails (the probe interval, scaled by local health). */
		final long length;

		/** Members asked to probe the target for this node. */
		int helpers;

		/** Of those, how many answered that the target did not answer them either. */
		int nacks;

		/** Past the probe timeout without an ack: indirect probes asked. */
		boolean indirect;

		/** The member's TCP port was asked for. */
		boolean checked;

		/** The member's TCP port refused a connection. */
		boolean refused;

		Probe(UUID target, long started, long timeout, long length) {
			this.target = target;
			this.started = started;
			this.timeout = timeout;
			this.length = length;
		}

	}

	/** A ping sent for another member's ping-req: its ack goes back there, or a NACK if none comes in time. */
	private static final class Relay {

		final InetSocketAddress origin;

		final int originSequence;

		final long started;

		boolean nacked;

		Relay(InetSocketAddress origin, int originSequence, long started) {
			this.origin = origin;
			this.originSequence = originSequence;
			this.started = started;
		}

	}

	/** Answers at most a number of SYNCs per interval (a fixed window: simple, and enough against floods). */
	private static final class SyncBudget {

		private final int limit;

		private final long window;

		private long windowStart = Long.MIN_VALUE;

		private int used;

		SyncBudget(int limit, long window) {
			this.limit = limit;
			this.window = window;
		}

		boolean tryAcquire(long now) {
			if (this.windowStart == Long.MIN_VALUE || now - this.windowStart >= this.window) {
				this.windowStart = now;
				this.used = 0;
			}
			return this.used++ < this.limit;
		}

	}

}
