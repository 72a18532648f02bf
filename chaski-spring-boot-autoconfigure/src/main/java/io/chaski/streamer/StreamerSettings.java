package io.chaski.streamer;

import java.time.Duration;

import io.chaski.wire.Envelope;

/**
 * Settings of a {@link ChaskiStreamer}.
 *
 * @param hopLimit hops a published message may take (1 = direct peers only), 1..255
 * @param poolSize how many message ids the duplicate filter remembers
 * @param poolTtl how long the duplicate filter remembers an id
 * @param subscriberQueueCapacity messages buffered per subscription; when full the oldest is dropped
 */
public record StreamerSettings(int hopLimit, int poolSize, Duration poolTtl, int subscriberQueueCapacity) {

	/** Defaults: 16 hops, 100 000 ids for 60 s, 10 000 messages per subscription. */
	public static final StreamerSettings DEFAULTS = new StreamerSettings(16, 100_000, Duration.ofSeconds(60), 10_000);

	public StreamerSettings {
		if (hopLimit < 1 || hopLimit > Envelope.MAX_HOPS) {
			throw new IllegalArgumentException("hopLimit must be 1.." + Envelope.MAX_HOPS + " but was " + hopLimit);
		}
		if (poolSize < 1 || subscriberQueueCapacity < 1) {
			throw new IllegalArgumentException("poolSize and subscriberQueueCapacity must be positive");
		}
		if (poolTtl == null || poolTtl.isNegative() || poolTtl.isZero()) {
			throw new IllegalArgumentException("poolTtl must be positive");
		}
	}

}
