package io.chaski.remote;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of remote calls ({@code chaski.remote.*}).
 *
 * @param timeout how long a call waits for its answer unless its proxy sets its own
 * @param threads threads that run calls on the provider (the executor's size)
 * @param queueCapacity calls that may wait for a thread on the provider; more at once are answered "busy"
 * @param maxPendingCalls calls this node may have in flight as a caller; more at once fail at once
 * @param virtualThreads whether provider threads are virtual (when the JVM has them)
 */
public record RemoteSettings(Duration timeout, int threads, int queueCapacity, int maxPendingCalls,
		boolean virtualThreads) {

	/** Defaults: 10 s timeout, 32 threads, 1024 queued calls, 65536 pending calls, platform threads. */
	public static final RemoteSettings DEFAULTS = new RemoteSettings(Duration.ofSeconds(10), 32, 1024, 65_536,
			false);

	/** Validates the components; see the record description. */
	public RemoteSettings {
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive");
		}
		if (threads < 1 || queueCapacity < 1 || maxPendingCalls < 1) {
			throw new IllegalArgumentException("threads, queue capacity and pending calls must be at least 1");
		}
	}

	/**
	 * @param value the timeout
	 * @return these settings with another timeout
	 */
	public RemoteSettings withTimeout(Duration value) {
		return new RemoteSettings(value, this.threads, this.queueCapacity, this.maxPendingCalls, this.virtualThreads);
	}

}
