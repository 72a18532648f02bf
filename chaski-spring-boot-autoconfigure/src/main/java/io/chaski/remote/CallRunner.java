package io.chaski.remote;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.node.ChaskiNode;
import io.chaski.node.Edge;
import io.chaski.node.EnvelopeHandler;
import io.chaski.support.DaemonThreads;
import io.chaski.support.IoThreads;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.PayloadCodec;

/**
 * The provider side: runs the calls peers send to this node's exported services on a bounded executor, off the
 * I/O threads, and answers each with a RESULT or a CALL_FAILED. Deny by default: only the methods of a service's
 * exported interface are found; anything else is refused with a message naming what was asked.
 */
final class CallRunner implements AutoCloseable, EnvelopeHandler {

	private static final Logger log = LoggerFactory.getLogger(CallRunner.class);

	/** Tag for a service or method a peer asked for that does not exist. */
	static final String UNKNOWN = "_unknown";

	private final ChaskiNode node;

	private final PayloadCodec codec;

	private final RemoteSettings settings;

	private final List<RemoteObserver> observers;

	private final Map<String, ExportedService> services = new ConcurrentHashMap<>();

	private final ThreadPoolExecutor executor;

	/** Calls accepted and not answered yet, async results included; bounded by threads plus queue. */
	private final AtomicInteger inFlight = new AtomicInteger();

	private final int maxInFlight;

	/** The calls of the frame this I/O thread is reading, handed over together at its end. */
	private final ThreadLocal<List<Call>> frameCalls = ThreadLocal.withInitial(ArrayList::new);

	CallRunner(ChaskiNode node, PayloadCodec codec, RemoteSettings settings, List<RemoteObserver> observers) {
		this.node = node;
		this.codec = codec;
		this.settings = settings;
		this.observers = observers;
		this.maxInFlight = settings.threads() + settings.queueCapacity();
		ThreadFactory threads = (settings.virtualThreads() && IoThreads.virtual())
				? IoThreads.factory(node.name() + "-remote-") : DaemonThreads.factory(node.name() + "-remote-");
		this.executor = new ThreadPoolExecutor(settings.threads(), settings.threads(), 60, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(settings.queueCapacity()), threads, new ThreadPoolExecutor.AbortPolicy());
		this.executor.allowCoreThreadTimeOut(true);
	}

	void register(ExportedService service) {
		if (this.services.putIfAbsent(service.name(), service) != null) {
			throw new IllegalStateException("a service named '" + service.name() + "' is registered already");
		}
	}

	/** @return the exported services: name to the names of their interfaces */
	Map<String, List<String>> services() {
		Map<String, List<String>> all = new TreeMap<>();
		this.services.values()
			.forEach(service -> all.put(service.name(), service.types().stream().map(Class::getName).toList()));
		return all;
	}

	Set<String> names() {
		return new TreeSet<>(this.services.keySet());
	}

	int inFlight() {
		return this.inFlight.get();
	}

	/** A CALL arrived (on an I/O thread): find its method, then keep it for the frame's batch. */
	@Override
	public void handle(Edge from, Envelope call) {
		long start = System.nanoTime();
		ExportedService service = this.services.get(call.topic());
		String signature = call.headers().get(RemoteHeaders.METHOD);
		if (service == null) {
			refuse(from, call, UNKNOWN, "this node offers no service '" + call.topic() + "'", start);
			return;
		}
		Method method = (signature != null) ? service.methods().get(signature) : null;
		if (method == null) {
			refuse(from, call, service.name(), "service '" + service.name() + "' (" + service.typeNames() + ") has no method "
					+ signature, start);
			return;
		}
		long deadline = start + RemoteHeaders.timeoutNanos(call, this.settings.timeout());
		if (this.inFlight.incrementAndGet() > this.maxInFlight) {
			this.inFlight.decrementAndGet();
			fail(from, call, service, method, new CallFailure(CallFailure.BUSY, null, "too many calls in progress",
					this.node.name()), start, false);
			return;
		}
		this.frameCalls.get().add(new Call(from, call, service, method, deadline, start));
	}

	/** The frame's calls go to the executor in one task: one hand-off per frame, not one per call. */
	@Override
	public void endOfFrame() {
		List<Call> calls = this.frameCalls.get();
		if (calls.isEmpty()) {
			return;
		}
		Batch batch = new Batch(calls.toArray(new Call[0]));
		calls.clear();
		try {
			this.executor.execute(batch);
		}
		catch (RejectedExecutionException ex) {
			for (Call call : batch.calls) {
				fail(call.from, call.envelope, call.service, call.method, new CallFailure(CallFailure.BUSY, null,
						"no thread free", this.node.name()), call.start, true);
			}
		}
	}

	/** A call accepted from a frame, waiting for a thread. */
	private record Call(Edge from, Envelope envelope, ExportedService service, Method method, long deadline,
			long start) {
	}

	/**
	 * The calls of one frame. Threads take them one at a time; whoever takes one while others wait queues a helper
	 * first (one at a time, so that fast calls cost few wake-ups), so a slow call holds up no other for long.
	 */
	private final class Batch implements Runnable {

		private final Call[] calls;

		private final AtomicInteger next = new AtomicInteger();

		private final AtomicBoolean helperQueued = new AtomicBoolean();

		Batch(Call[] calls) {
			this.calls = calls;
		}

		@Override
		public void run() {
			this.helperQueued.set(false);
			for (int i = this.next.getAndIncrement(); i < this.calls.length; i = this.next.getAndIncrement()) {
				if (i + 1 < this.calls.length && this.helperQueued.compareAndSet(false, true)) {
					try {
						CallRunner.this.executor.execute(this);
					}
					catch (RejectedExecutionException ex) {
						// every thread busy and the queue full: the threads that hold this batch run the rest
					}
				}
				Call call = this.calls[i];
				runSafely(call.from, call.envelope, call.service, call.method, call.deadline, call.start,
						i + 1 >= this.calls.length);
			}
		}

	}

	/** Whatever goes wrong, the caller gets an answer and the in-flight count stays right. */
	private void runSafely(Edge from, Envelope call, ExportedService service, Method method, long deadline,
			long start, boolean last) {
		try {
			run(from, call, service, method, deadline, start, last);
		}
		catch (Throwable ex) {
			log.warn("Remote call of {}.{} failed unexpectedly", service.name(), method.getName(), ex);
			thrown(from, call, service, method, ex, start);
		}
	}

	private void run(Edge from, Envelope call, ExportedService service, Method method, long deadline, long start,
			boolean last) {
		long left = deadline - System.nanoTime();
		if (left <= 0) {
			// the caller gave up already: running it now would only add load
			this.inFlight.decrementAndGet();
			return;
		}
		Object[] args;
		try {
			args = Values.decode(this.codec, call.payload(), MethodShape.of(method).parameterTypes);
		}
		catch (MalformedCallException ex) {
			fail(from, call, service, method, new CallFailure(CallFailure.MALFORMED, null, ex.getMessage(),
					this.node.name()), start, true);
			return;
		}
		Object result;
		try {
			result = method.invoke(service.target(), args);
		}
		catch (InvocationTargetException ex) {
			thrown(from, call, service, method, ex.getCause(), start);
			return;
		}
		catch (IllegalAccessException | RuntimeException ex) {
			thrown(from, call, service, method, ex, start);
			return;
		}
		if (result instanceof CompletableFuture<?> future && future.isDone() && !future.isCompletedExceptionally()) {
			// done already (a cached or computed value): no stages to set up
			answer(from, call, service, method, future.getNow(null), start, last);
		}
		else if (result instanceof CompletableFuture<?> future) {
			future.orTimeout(left, TimeUnit.NANOSECONDS).whenComplete((value, failure) -> {
				if (failure != null) {
					thrown(from, call, service, method, unwrap(failure), start);
				}
				else {
					answer(from, call, service, method, value, start, last);
				}
			});
		}
		else {
			answer(from, call, service, method, result, start, last);
		}
	}

	/** @param last whether it ends its batch: then, with no other batch waiting, it is written at once */
	private void answer(Edge from, Envelope call, ExportedService service, Method method, Object value, long start,
			boolean last) {
		Envelope result;
		try {
			result = Envelope.control(EnvelopeKind.RESULT, this.node.id(), call.id(), Values.encode(this.codec, value));
			this.node.checkFits(result);
		}
		catch (RuntimeException ex) {
			fail(from, call, service, method, new CallFailure(CallFailure.TOO_LARGE, null,
					"the result cannot be sent: " + ex.getMessage(), this.node.name()), start, true);
			return;
		}
		this.inFlight.decrementAndGet();
		// off the I/O threads: with no other call waiting, written here when the link is idle (one wake-up less
		// per round trip); with calls waiting, queued so that their answers share frames
		if (last && this.executor.getQueue().isEmpty()) {
			from.send(result);
		}
		else {
			from.offer(result);
		}
		observe(service.name(), method.getName(), "success", start);
	}

	private void thrown(Edge from, Envelope call, ExportedService service, Method method, Throwable failure,
			long start) {
		fail(from, call, service, method, new CallFailure(CallFailure.EXCEPTION, failure.getClass().getName(),
				String.valueOf(failure.getMessage()), this.node.name()), start, true);
	}

	/** Metrics see {@value #UNKNOWN} for names peers made up, so they cannot flood the meter registry. */
	private void refuse(Edge from, Envelope call, String serviceTag, String why, long start) {
		send(from, call, new CallFailure(CallFailure.REFUSED, null, why, this.node.name()));
		observe(serviceTag, UNKNOWN, CallFailure.REFUSED, start);
	}

	private void fail(Edge from, Envelope call, ExportedService service, Method method, CallFailure failure,
			long start, boolean counted) {
		if (counted) {
			this.inFlight.decrementAndGet();
		}
		send(from, call, failure);
		observe(service.name(), method.getName(), failure.reason(), start);
	}

	private void send(Edge from, Envelope call, CallFailure failure) {
		from.offer(Envelope.control(EnvelopeKind.CALL_FAILED, this.node.id(), call.id(), failure.toJson()));
	}

	private void observe(String service, String method, String outcome, long start) {
		long nanos = System.nanoTime() - start;
		for (RemoteObserver observer : this.observers) {
			observer.callCompleted(RemoteObserver.Side.SERVER, service, method, outcome, nanos);
		}
	}

	private static Throwable unwrap(Throwable failure) {
		return ((failure instanceof CompletionException || failure instanceof ExecutionException)
				&& failure.getCause() != null) ? failure.getCause() : failure;
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
