package io.chaski.remote;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.Map;

import io.chaski.wire.Envelope;

/** The headers of a CALL envelope: the method's signature and how long the caller waits. */
final class RemoteHeaders {

	/** The method's signature, {@code name(type,type)} with erased parameter types. */
	static final String METHOD = "method";

	/** How long the caller waits for the answer, in milliseconds. */
	static final String TIMEOUT = "timeout-ms";

	/** Longest wait a caller may ask a provider to honour. */
	private static final long MAX_TIMEOUT_MILLIS = Duration.ofHours(1).toMillis();

	/** The last timeout read from a peer's header, and its wait: calls of a proxy all ask the same. */
	private static volatile Parsed lastParsed;

	private RemoteHeaders() {
	}

	static Map<String, String> of(String signature, long timeoutMillis) {
		return Map.of(METHOD, signature, TIMEOUT, Long.toString(Math.max(1, timeoutMillis)));
	}

	/**
	 * @param call a CALL from a peer
	 * @param fallback the wait when the header is absent or unreadable
	 * @return the caller's wait, within 1 ms..1 h
	 */
	static long timeoutNanos(Envelope call, Duration fallback) {
		String value = call.headers().get(TIMEOUT);
		Parsed last = lastParsed;
		if (value != null && last != null && last.value == value) {
			return last.nanos; // the decoder hands repeated header values over as the same string
		}
		if (value != null && value.length() <= 12) {
			try {
				long nanos = nanos(Long.parseLong(value));
				lastParsed = new Parsed(value, nanos);
				return nanos;
			}
			catch (NumberFormatException ex) {
				// keep the fallback: a bad hint must not fail the call
			}
		}
		return nanos(fallback.toMillis());
	}

	private static long nanos(long millis) {
		return TimeUnit.MILLISECONDS.toNanos(Math.min(Math.max(millis, 1), MAX_TIMEOUT_MILLIS));
	}

	private record Parsed(String value, long nanos) {
	}

}
