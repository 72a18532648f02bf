package io.chaski.remote;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
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
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.node.ChaskiNode;
import io.chaski.node.Edge;
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
final class CallRunner implements AutoCloseable {

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

	/** A CALL arrived (on an I/O thread): find its method, then hand it to the executor. */
	void onCall(Edge from, Envelope call) {
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
		try {
			this.executor.execute(() -> runSafely(from, call, service, method, deadline, start));
		}
		catch (RejectedExecutionException ex) {
			fail(from, call, service, method, new CallFailure(CallFailure.BUSY, null, "no thread free",
					this.node.name()), start, true);
		}
	}

	/** Whatever goes wrong, the caller gets an answer and the in-flight count stays right. */
	private void runSafely(Edge from, Envelope call, ExportedService service, Method method, long deadline,
			long start) {
		try {
			run(from, call, service, method, deadline, start);
		}
		catch (Throwable ex) {
			log.warn("Remote call of {}.{} failed unexpectedly", service.name(), method.getName(), ex);
			thrown(from, call, service, method, ex, start);
		}
	}

	private void run(Edge from, Envelope call, ExportedService service, Method method, long deadline, long start) {
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
		if (result instanceof CompletableFuture<?> future) {
			future.orTimeout(left, TimeUnit.NANOSECONDS).whenComplete((value, failure) -> {
				if (failure != null) {
					thrown(from, call, service, method, unwrap(failure), start);
				}
				else {
					answer(from, call, service, method, value, start);
				}
			});
		}
		else {
			answer(from, call, service, method, result, start);
		}
	}

	private void answer(Edge from, Envelope call, ExportedService service, Method method, Object value, long start) {
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
		if (this.executor.getQueue().isEmpty()) {
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
