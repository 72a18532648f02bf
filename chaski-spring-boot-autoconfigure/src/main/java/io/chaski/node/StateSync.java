package io.chaski.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.membership.Member;
import io.chaski.membership.MemberEvent;
import io.chaski.membership.MemberList;
import io.chaski.membership.MemberState;
import io.chaski.membership.Membership;
import io.chaski.support.LogSafe;
import io.chaski.support.RateLimitedLog;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;

/**
 * Full state sync over TCP, memberlist's push/pull: this node sends its whole member list
 * ({@link EnvelopeKind#MEMBERS_PUSH}) over a node link and the other answers with its own
 * ({@link EnvelopeKind#MEMBERS_PULL}); both merge what they get as gossip. It runs when the node joins (with the
 * first member found while it had none alive), every push-pull interval with one random member (a linked one
 * when there is one), and with any member whose metadata was too large for a packet (its full record comes back).
 * UDP carries at most 64 packets of members per SYNC; TCP carries the whole list, up to the frame size. The
 * links it makes are ordinary links, left to the idle rule: closing one right after the exchange would fail the
 * remote calls that find it in use (awaitProvider followed by a call does, at once).
 */
final class StateSync {

	private static final Logger log = LoggerFactory.getLogger(StateSync.class);

	/** Most exchanges under way at once: a flood of incomplete records cannot open unbounded connections. */
	static final int MAX_PENDING = 32;

	/** Most pushes answered per probe interval: an answer costs the whole list. */
	static final int ANSWERS_PER_INTERVAL = 16;

	/** Room left in a frame for the envelope around a member list. */
	private static final int FRAME_SLACK = 4096;

	private final ChaskiNode node;

	private final Membership membership;

	private final RateLimitedLog warnings = new RateLimitedLog(log);

	/** Members asked, with when: only they may answer. */
	private final Map<UUID, Long> pending = new ConcurrentHashMap<>();

	private final long interval;

	private final long pushPullInterval;

	/** Whether this node synced since it last had no other member alive. */
	private final AtomicBoolean joined = new AtomicBoolean();

	private long nextPeriodic;

	private long windowStart;

	private int answered;

	private StateSync(ChaskiNode node, Membership membership) {
		this.node = node;
		this.membership = membership;
		this.interval = membership.settings().probeInterval().toNanos();
		this.pushPullInterval = membership.settings().pushPullInterval().toNanos();
		this.nextPeriodic = System.nanoTime() + this.pushPullInterval;
		this.windowStart = System.nanoTime();
	}

	/**
	 * Starts syncing for a node whose membership is running.
	 * @param node the node
	 * @param membership its membership
	 * @param timer runs the periodic exchange
	 * @return the sync, to be told about member changes
	 */
	static StateSync start(ChaskiNode node, Membership membership, ScheduledExecutorService timer) {
		StateSync sync = new StateSync(node, membership);
		node.registerHandler(EnvelopeKind.MEMBERS_PUSH, sync::onPush);
		node.registerHandler(EnvelopeKind.MEMBERS_PULL, sync::onPull);
		timer.scheduleWithFixedDelay(sync::tick, sync.interval, sync.interval, TimeUnit.NANOSECONDS);
		return sync;
	}

	/** @param event a member change: a first member found, or metadata that did not fit in a packet */
	void memberChanged(MemberEvent event) {
		Member member = event.member();
		if (member.state() != MemberState.ALIVE) {
			return;
		}
		if (!member.metadata().complete()) {
			sync(member);
		}
		else if ((event.type() == MemberEvent.Type.JOINED || event.type() == MemberEvent.Type.ALIVE_AGAIN)
				&& this.joined.compareAndSet(false, true)) {
			sync(member);
		}
	}

	private void tick() {
		try {
			long now = System.nanoTime();
			this.pending.values().removeIf(started -> now - started > timeout().toNanos());
			List<Member> alive = others();
			if (alive.isEmpty()) {
				this.joined.set(false);
			}
			else if (now - this.nextPeriodic >= 0) {
				this.nextPeriodic = now + this.pushPullInterval;
				List<Member> linked = alive.stream().filter(member -> this.node.peer(member.id()).isPresent()).toList();
				List<Member> from = linked.isEmpty() ? alive : linked;
				sync(from.get(ThreadLocalRandom.current().nextInt(from.size())));
			}
		}
		catch (RuntimeException ex) {
			this.warnings.warn("tick", "Node {} failed a state sync round: {}", this.node.name(), LogSafe.of(ex), ex);
		}
	}

	/** Pushes this node's list to a member, linking to it first if need be. */
	private void sync(Member member) {
		if (member.metadata().tcpPort() == 0 || this.pending.size() >= MAX_PENDING
				|| this.pending.putIfAbsent(member.id(), System.nanoTime()) != null) {
			return;
		}
		Edge edge = edge(member.id());
		if (edge != null) {
			push(edge);
			return;
		}
		this.node.connect(member.metadata().tcpHost(), member.metadata().tcpPort()).whenComplete((peer, failure) -> {
			Edge linked = (failure == null && peer.nodeId().equals(member.id())) ? edge(member.id()) : null;
			if (linked != null) {
				push(linked);
			}
			else {
				this.pending.remove(member.id());
				log.debug("Node {} could not sync with member {}", this.node.name(), LogSafe.of(member.name()));
			}
		});
	}

	private void push(Edge edge) {
		edge.offerControl(list(EnvelopeKind.MEMBERS_PUSH));
	}

	/** A member's list, asking for this node's (on an I/O thread). */
	private void onPush(Edge from, Envelope envelope) {
		if (!answerAllowed()) {
			return; // it retries at its next interval
		}
		if (merge(from, envelope)) {
			from.offerControl(list(EnvelopeKind.MEMBERS_PULL));
		}
	}

	/** The answer to this node's push (on an I/O thread); unasked answers are ignored. */
	private void onPull(Edge from, Envelope envelope) {
		if (this.pending.remove(from.nodeId()) != null) {
			merge(from, envelope);
		}
	}

	private boolean merge(Edge from, Envelope envelope) {
		List<Member> members;
		try {
			members = MemberList.decode(envelope.payload());
		}
		catch (IllegalArgumentException ex) {
			this.warnings.warn("malformed", "Node {} ignores a malformed member list from {}: {}", this.node.name(),
					from, LogSafe.of(ex.getMessage()));
			return false;
		}
		this.membership.merge(from.nodeId(), members);
		return true;
	}

	/** This node's members, itself and the live ones first, as many as fit in a frame (the rest is logged). */
	private Envelope list(EnvelopeKind kind) {
		List<Member> members = new ArrayList<>(this.membership.members());
		Member self = members.get(0);
		members.sort(Comparator.comparing((Member member) -> member != self)
			.thenComparing(member -> !member.state().active()));
		MemberList.Encoded encoded = MemberList.encode(members,
				this.node.settings().maxFrameBytes() - FRAME_SLACK);
		if (encoded.count() < members.size()) {
			this.warnings.warn("too large", "Node {} syncs {} of its {} members: the others do not fit in a frame "
					+ "(chaski.transport.max-frame-size)", this.node.name(), encoded.count(), members.size());
		}
		return Envelope.control(kind, this.node.id(), this.node.nextMessageId(), encoded.bytes());
	}

	private synchronized boolean answerAllowed() {
		long now = System.nanoTime();
		if (now - this.windowStart >= this.interval) {
			this.windowStart = now;
			this.answered = 0;
		}
		return this.answered++ < ANSWERS_PER_INTERVAL;
	}

	private List<Member> others() {
		return this.membership.members().stream()
			.filter(member -> member.state() == MemberState.ALIVE && !member.id().equals(this.node.id()))
			.toList();
	}

	private Edge edge(UUID id) {
		for (Edge edge : this.node.edges()) {
			if (edge.nodeId().equals(id)) {
				return edge;
			}
		}
		return null;
	}

	/** How long an exchange may take: linking plus an answer. */
	private Duration timeout() {
		NodeSettings settings = this.node.settings();
		return settings.connectTimeout().plus(settings.handshakeTimeout()).plus(Duration.ofNanos(4 * this.interval));
	}

}
