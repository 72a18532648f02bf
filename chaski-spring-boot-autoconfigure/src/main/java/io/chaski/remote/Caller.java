package io.chaski.remote;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.chaski.node.ChaskiNode;
import io.chaski.node.Edge;
import io.chaski.node.EnvelopeHandler;
import io.chaski.support.LogSafe;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.PayloadCodec;

/**
 * The caller side: sends calls to the best provider (fewest calls in flight, then lowest latency), matches
 * answers to pending calls, times them out, and fails or (for idempotent methods) redirects the calls of a
 * provider that disconnects or is busy.
 */
final class Caller implements EnvelopeHandler {

	private final ChaskiNode node;

	private final PayloadCodec codec;

	private final RemoteSettings settings;

	private final ServiceDirectory directory;

	private final List<RemoteObserver> observers;

	/** How often timeouts are checked: the precision of a call's timeout. */
	private static final long SWEEP_MILLIS = 10;

	/**
	 * Runs failovers, so that no I/O thread waits for room in another peer's queue, and completes the futures of
	 * asynchronous calls.
	 */
	private final Executor callbacks;

	/** The asynchronous calls the frame this I/O thread is reading answered, handed over together at its end. */
	private final ThreadLocal<List<PendingCall>> frameAnswers = ThreadLocal.withInitial(ArrayList::new);

	private final PendingCalls pending;

	/** Times out calls; runs only while calls are pending. */
	private final BusySweep sweeper;

	private final Map<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	/** How providers are chosen: fewest calls in flight, then lowest latency. */
	private final Comparator<Edge> order = Comparator.<Edge>comparingInt(this::inFlight)
		.thenComparingDouble(Caller::latency);

	private volatile boolean closed;

	Caller(ChaskiNode node, PayloadCodec codec, RemoteSettings settings, ServiceDirectory directory,
			List<RemoteObserver> observers, ScheduledExecutorService timer, Executor callbacks) {
		this.node = node;
		this.codec = codec;
		this.settings = settings;
		this.directory = directory;
		this.observers = observers;
		this.callbacks = callbacks;
		this.pending = new PendingCalls(settings.maxPendingCalls());
		this.sweeper = new BusySweep(timer, this::sweep, () -> this.pending.size() > 0, SWEEP_MILLIS);
	}

	int pendingCalls() {
		return this.pending.size();
	}

	/**
	 * Sends a call.
	 * @param service the service name
	 * @param method the interface method
	 * @param args its arguments
	 * @param timeout how long to wait for the answer
	 * @return the decoded result; fails with a {@link ChaskiRemoteException} (or a subclass)
	 */
	PendingCall call(String service, Method method, Object[] args, Duration timeout) {
		if (this.closed) {
			throw new ChaskiRemoteException("call to '" + service + "' refused: the remote registry of node "
					+ this.node.name() + " is closed");
		}
		if (this.pending.size() >= this.settings.maxPendingCalls()) {
			throw new ChaskiRemoteException("call to '" + service + "' refused: " + this.pending.size()
					+ " calls are in flight already (chaski.remote.max-pending-calls)");
		}
		byte[] arguments;
		try {
			arguments = Values.encode(this.codec, (args != null) ? args : new Object[0]);
		}
		catch (RuntimeException ex) {
			throw new ChaskiRemoteException("cannot encode the arguments of '" + service + "'." + method.getName()
					+ ": " + ex.getMessage());
		}
		PendingCall call = new PendingCall(service, method, arguments, timeout.toNanos());
		send(call, null);
		return call;
	}

	/**
	 * Times out the calls whose time is up. One sweep over the pending calls every {@value #SWEEP_MILLIS} ms while
	 * any are pending costs far less than a scheduled task per call (whose cancellation dominated the profile of
	 * pipelined calls).
	 */
	private void sweep() {
		long now = System.nanoTime();
		this.pending.forEach(call -> {
			if (now - call.startNanos >= call.timeoutNanos && release(call)) {
				timedOut(call);
			}
		});
	}

	/** Sends a call to the best provider it has not tried; {@code previous} is why the last attempt failed. */
	private void send(PendingCall call, ChaskiRemoteException previous) {
		if (call.remainingNanos() <= 0) {
			timedOut(call); // ran out while failing over
			return;
		}
		Edge provider = choose(call);
		if (provider == null) {
			ServiceDirectory.Provider unlinked = unlinked(call);
			if (unlinked != null) {
				link(call, unlinked, previous);
			}
			else {
				finish(call, (previous != null) ? previous
						: new ChaskiServiceUnavailableException("no node offers the service '" + call.service + "'"),
						(previous != null) ? "disconnected" : "unavailable");
			}
			return;
		}
		long id = this.node.nextMessageId();
		Envelope envelope = new Envelope(EnvelopeKind.CALL, this.node.id(), id, 1, System.currentTimeMillis(),
				call.service, call.shape.headers(TimeUnit.NANOSECONDS.toMillis(call.remainingNanos())),
				call.arguments);
		try {
			this.node.checkFits(envelope);
		}
		catch (IllegalArgumentException ex) {
			finish(call, new ChaskiRemoteException("the arguments of " + call.describe() + " are too large: "
					+ ex.getMessage()), "too-large");
			return;
		}
		call.markTried(provider.nodeId());
		call.id = id;
		call.provider = provider.nodeId();
		call.providerName = provider.name();
		AtomicInteger count = this.inFlight.get(provider.nodeId());
		if (count == null) {
			count = this.inFlight.computeIfAbsent(provider.nodeId(), key -> new AtomicInteger());
		}
		count.incrementAndGet();
		this.pending.add(call);
		this.sweeper.workAdded();
		if (call.result.isDone()) {
			release(call); // timed out meanwhile
			return;
		}
		// a blocking call is written on the caller's thread when the link is idle (one wake-up less per round
		// trip); asynchronous calls are queued, so that pipelined calls share frames
		boolean queued = call.blocking() ? provider.send(envelope) : provider.offer(envelope);
		if (!queued && release(call)) {
			failed(call, new ChaskiRemoteException(call.describe() + " could not be queued for node "
					+ LogSafe.of(provider.name()) + " (its queue is full or it disconnected)"), "disconnected");
		}
	}

	/** The connected provider with the fewest calls in flight, then the lowest latency. */
	private Edge choose(PendingCall call) {
		Edge best = null;
		for (Edge edge : this.node.edges()) {
			if (this.directory.offers(edge.nodeId(), call.service) && !call.tried(edge.nodeId())
					&& (best == null || this.order.compare(edge, best) < 0)) {
				best = edge;
			}
		}
		return best;
	}

	/** A provider membership knows of that this node has no link to and has not tried for this call. */
	private ServiceDirectory.Provider unlinked(PendingCall call) {
		for (ServiceDirectory.Provider provider : this.directory.providers(call.service)) {
			if (!call.tried(provider.id()) && !call.linked(provider.id())
					&& this.node.peer(provider.id()).isEmpty()) {
				return provider;
			}
		}
		return null;
	}

	/**
	 * Links to a provider (within the call's time), then sends again; each provider is linked to at most once
	 * per call.
	 */
	private void link(PendingCall call, ServiceDirectory.Provider provider, ChaskiRemoteException previous) {
		call.markLinked(provider.id());
		// a copy: the dialer may hand the same future to others, whose wait must not end with this call's
		this.node.connect(provider.host(), provider.port())
			.copy()
			.orTimeout(Math.max(1, call.remainingNanos()), TimeUnit.NANOSECONDS)
			.whenCompleteAsync((peer, failure) -> {
				if (failure == null && peer.nodeId().equals(provider.id())) {
					send(call, previous);
				}
				else {
					send(call, (previous != null) ? previous : new ChaskiServiceUnavailableException("node "
							+ LogSafe.of(provider.name()) + " offers the service '" + call.service
							+ "' but cannot be reached"));
				}
			}, this.callbacks);
	}

	private int inFlight(Edge edge) {
		AtomicInteger count = this.inFlight.get(edge.nodeId());
		return (count != null) ? count.get() : 0;
	}

	private static double latency(Edge edge) {
		double millis = edge.info().latencyMillis();
		return Double.isNaN(millis) ? Double.MAX_VALUE : millis;
	}

	/** A RESULT arrived (on an I/O thread). */
	@Override
	public void handle(Edge from, Envelope envelope) {
		PendingCall call = claim(from, envelope);
		if (call == null) {
			return;
		}
		Object value;
		try {
			value = Values.decode(this.codec, envelope.payload(), call.shape.resultTypes)[0];
		}
		catch (MalformedCallException ex) {
			finish(call, new ChaskiRemoteException("the result of " + call.describe() + " from node "
					+ LogSafe.of(from.name()) + " is unreadable: " + LogSafe.of(ex.getMessage())), CallFailure.MALFORMED);
			return;
		}
		if (call.result.complete(value)) {
			observe(call, "success");
			if (call.answer != null) {
				this.frameAnswers.get().add(call);
			}
		}
	}

	/** The frame's asynchronous answers complete in one task: one hand-off per frame, not one per call. */
	@Override
	public void endOfFrame() {
		List<PendingCall> answered = this.frameAnswers.get();
		if (answered.isEmpty()) {
			return;
		}
		PendingCall[] calls = answered.toArray(new PendingCall[0]);
		answered.clear();
		this.callbacks.execute(() -> {
			for (PendingCall call : calls) {
				call.forward();
			}
		});
	}

	/** A CALL_FAILED arrived (on an I/O thread). */
	void onFailed(Edge from, Envelope envelope) {
		PendingCall call = claim(from, envelope);
		if (call == null) {
			return;
		}
		CallFailure failure = CallFailure.read(envelope.payload());
		ChaskiRemoteException exception = failure.toException(call.describe());
		if (CallFailure.BUSY.equals(failure.reason())) {
			failed(call, exception, failure.reason());
		}
		else {
			finish(call, exception, failure.reason());
		}
	}

	/** A provider's link closed: its calls fail at once, or move to another provider when idempotent. */
	void peerLeft(UUID peer, String name) {
		providerLost(peer, name, "disconnected");
	}

	/**
	 * A provider is gone: its calls fail at once, or move to another provider when idempotent.
	 * @param what what happened to it, for the message ("disconnected", "was declared dead")
	 */
	void providerLost(UUID peer, String name, String what) {
		this.pending.forEach(call -> {
			if (peer.equals(call.provider) && release(call)) {
				failed(call, new ChaskiRemoteException("node " + LogSafe.of(name) + " providing '" + call.service
						+ "' " + what + " during a call of " + call.method.getName()), "disconnected");
			}
		});
		this.inFlight.remove(peer);
	}

	/** Fails every pending call and refuses new ones: the registry is closing. */
	void close(String why) {
		this.closed = true;
		this.pending.forEach(call -> {
			if (release(call)) {
				finish(call, new ChaskiRemoteException(call.describe() + " abandoned: " + why), "disconnected");
			}
		});
	}

	/** An attempt failed in a way that leaves the method unrun or safe to rerun. */
	private void failed(PendingCall call, ChaskiRemoteException why, String outcome) {
		if (call.idempotent() && call.remainingNanos() > 0) {
			this.callbacks.execute(() -> send(call, why));
		}
		else {
			finish(call, why, outcome);
		}
	}

	/** Takes a pending call for its answer, if the answer comes from the node it was sent to. */
	private PendingCall claim(Edge from, Envelope envelope) {
		PendingCall call = this.pending.get(envelope.id());
		if (call == null || !from.nodeId().equals(call.provider) || !release(call)) {
			return null; // late (timed out), or a peer answering a call it was never sent
		}
		return call;
	}

	/** Ends the current attempt; only one of the competing paths wins. */
	private boolean release(PendingCall call) {
		if (!this.pending.remove(call.id, call)) {
			return false;
		}
		AtomicInteger count = this.inFlight.get(call.provider);
		if (count != null) {
			count.decrementAndGet();
		}
		return true;
	}

	private void timedOut(PendingCall call) {
		String where = (call.providerName != null) ? " from node " + LogSafe.of(call.providerName) : "";
		finish(call, new ChaskiTimeoutException("no answer to " + call.describe() + where + " within "
				+ Duration.ofNanos(call.timeoutNanos).toMillis() + " ms"), "timeout");
	}

	private void finish(PendingCall call, ChaskiRemoteException failure, String outcome) {
		if (call.result.completeExceptionally(failure)) {
			observe(call, outcome);
			if (call.answer != null) {
				this.callbacks.execute(call::forward);
			}
		}
	}

	private void observe(PendingCall call, String outcome) {
		long nanos = System.nanoTime() - call.startNanos;
		for (RemoteObserver observer : this.observers) {
			observer.callCompleted(RemoteObserver.Side.CLIENT, call.service, call.method.getName(), outcome, nanos);
		}
	}

}
