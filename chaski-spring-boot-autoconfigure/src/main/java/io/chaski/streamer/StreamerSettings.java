package io.chaski.streamer;

import java.time.Duration;

import io.chaski.wire.Envelope;

/**
 * Settings of a {@link ChaskiStreamer}.
 *
 * @param hopLimit hops a published message may take (1 = direct peers only), 1..255
 * @param poolSize how many recent message ids the duplicate filter remembers per origin node
 * @param poolOrigins how many origin nodes the duplicate filter remembers
 * @param poolTtl how long the duplicate filter remembers an origin after its last message
 * @param subscriberQueueCapacity messages buffered per subscription; when full the oldest is dropped
 */
public record StreamerSettings(int hopLimit, int poolSize, int poolOrigins, Duration poolTtl,
		int subscriberQueueCapacity) {

	/** Defaults: 16 hops, 65 536 ids per origin, 10 000 origins for 60 s, 10 000 messages per subscription. */
	public static final StreamerSettings DEFAULTS = new StreamerSettings(16, 65_536, 10_000, Duration.ofSeconds(60),
			10_000);

	/** Validates the components; see the record description. */
	public StreamerSettings {
		if (hopLimit < 1 || hopLimit > Envelope.MAX_HOPS) {
			throw new IllegalArgumentException("hopLimit must be 1.." + Envelope.MAX_HOPS + " but was " + hopLimit);
		}
		if (poolSize < 64 || poolSize > 1 << 24) {
			throw new IllegalArgumentException("poolSize must be 64..16777216 but was " + poolSize);
		}
		if (poolOrigins < 1 || subscriberQueueCapacity < 1) {
			throw new IllegalArgumentException("poolOrigins and subscriberQueueCapacity must be positive");
		}
		if (poolTtl == null || poolTtl.isNegative() || poolTtl.isZero()) {
			throw new IllegalArgumentException("poolTtl must be positive");
		}
	}

}
