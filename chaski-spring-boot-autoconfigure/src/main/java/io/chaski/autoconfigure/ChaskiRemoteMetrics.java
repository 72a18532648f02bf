package io.chaski.autoconfigure;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.chaski.remote.ChaskiRemoteRegistry;
import io.chaski.remote.RemoteObserver;

/**
 * Remote-call meters: the {@code chaski.remote.calls} timer by side ({@code client}, {@code server}), service,
 * method and outcome, and the {@code chaski.remote.calls.in-flight} gauge by side. Only names this node knows
 * become tags (a peer asking for made-up names is counted as {@code _unknown}); at most
 * {@value #MAX_TIMERS} timers exist, further combinations count under service {@code _other}.
 */
public class ChaskiRemoteMetrics implements MeterBinder, RemoteObserver {

	/** Most distinct timers. */
	public static final int MAX_TIMERS = 2000;

	private final ChaskiRemoteRegistry remote;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	private volatile MeterRegistry registry;

	/** @param remote the registry whose calls are measured */
	public ChaskiRemoteMetrics(ChaskiRemoteRegistry remote) {
		this.remote = remote;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		this.registry = meters;
		Gauge.builder("chaski.remote.calls.in-flight", this.remote, ChaskiRemoteRegistry::pendingCalls)
			.description("Remote calls awaiting their answer (client) or running and queued (server)")
			.tag("side", "client")
			.register(meters);
		Gauge.builder("chaski.remote.calls.in-flight", this.remote, ChaskiRemoteRegistry::servingCalls)
			.description("Remote calls awaiting their answer (client) or running and queued (server)")
			.tag("side", "server")
			.register(meters);
		this.remote.addObserver(this);
	}

	@Override
	public void callCompleted(Side side, String service, String method, String outcome, long nanos) {
		MeterRegistry meters = this.registry;
		if (meters == null) {
			return;
		}
		String key = side + "|" + service + "|" + method + "|" + outcome;
		Timer timer = this.timers.get(key);
		if (timer == null) {
			boolean full = this.timers.size() >= MAX_TIMERS;
			timer = this.timers.computeIfAbsent(full ? side + "|_other|_other|" + outcome : key,
					ignored -> Timer.builder("chaski.remote.calls")
						.description("Remote calls by side, service, method and outcome")
						.tag("side", side.name().toLowerCase(Locale.ROOT))
						.tag("service", full ? "_other" : service)
						.tag("method", full ? "_other" : method)
						.tag("outcome", outcome)
						.register(meters));
		}
		timer.record(nanos, TimeUnit.NANOSECONDS);
	}

}
