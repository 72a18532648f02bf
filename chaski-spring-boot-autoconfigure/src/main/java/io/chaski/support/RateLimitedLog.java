package io.chaski.support;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;

/**
 * Warnings whose number a peer controls (bad frames, refused handshakes, undecodable payloads): each kind is
 * logged at most once per interval; the next line that gets through says how many were suppressed meanwhile.
 * Counters are the place to see every occurrence; the log shows that it happens and what it looks like.
 */
public final class RateLimitedLog {

	private final Logger log;

	private final long intervalNanos;

	private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

	/**
	 * @param log where the lines go
	 * @param intervalMillis at most one line per kind in this many milliseconds
	 */
	public RateLimitedLog(Logger log, long intervalMillis) {
		this.log = log;
		this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
	}

	/** @param log where the lines go, at most one per kind and 10 s */
	public RateLimitedLog(Logger log) {
		this(log, 10_000);
	}

	/**
	 * Logs a warning unless one of the same kind was logged within the interval.
	 * @param kind what kind of event this is (a fixed string, not peer-supplied: it keys the limit)
	 * @param format SLF4J format; peer-supplied arguments must go through {@link LogSafe#of}
	 * @param arguments its arguments
	 */
	public void warn(String kind, String format, Object... arguments) {
		if (!this.log.isWarnEnabled()) {
			return;
		}
		long suppressed = this.windows.computeIfAbsent(kind, k -> new Window()).admit(this.intervalNanos);
		if (suppressed < 0) {
			return;
		}
		if (suppressed > 0) {
			this.log.warn(format + " (" + suppressed + " more like this suppressed)", arguments);
		}
		else {
			this.log.warn(format, arguments);
		}
	}

	/** One kind's interval: when the last line went out and how many were held back since. */
	private static final class Window {

		private long lastLoggedNanos;

		private boolean logged;

		private long suppressed;

		/** @return -1 to suppress, else how many were suppressed since the last line */
		synchronized long admit(long intervalNanos) {
			long now = System.nanoTime();
			if (this.logged && now - this.lastLoggedNanos < intervalNanos) {
				this.suppressed++;
				return -1;
			}
			this.logged = true;
			this.lastLoggedNanos = now;
			long held = this.suppressed;
			this.suppressed = 0;
			return held;
		}

	}

}
