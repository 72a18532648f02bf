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
 * @param subscriberQueueCapacity messages buffered per subscription; when full the delivery policy applies
 * @param deliveryPolicy what a full subscription buffer does, for subscriptions that do not choose their own
 * @param deliveryTimeout how long {@link DeliveryPolicy#WAIT} holds the delivering thread before the message is
 * dropped for that subscription; relays wait as long for a full peer queue
 */
public record StreamerSettings(int hopLimit, int poolSize, int poolOrigins, Duration poolTtl,
		int subscriberQueueCapacity, DeliveryPolicy deliveryPolicy, Duration deliveryTimeout) {

	/**
	 * Waiting for a full subscriber: longer than the default send timeout (5 s), so a publisher feels a stalled
	 * reader as a failed {@code publish} first, and shorter than keep-alive's failure detection (3 missed pings
	 * 5 s apart), so a stalled reader never makes a healthy link look dead.
	 */
	public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Defaults: 16 hops, 65 536 ids per origin, 10 000 origins for 60 s, 10 000 messages per subscription,
	 * lossless delivery waiting up to {@link #DEFAULT_DELIVERY_TIMEOUT}.
	 */
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
		if (deliveryPolicy == null) {
			throw new IllegalArgumentException("deliveryPolicy is required");
		}
		if (deliveryTimeout == null || deliveryTimeout.isNegative() || deliveryTimeout.isZero()) {
			throw new IllegalArgumentException("deliveryTimeout must be positive");
		}
	}

	/**
	 * Settings with lossless delivery ({@link DeliveryPolicy#WAIT} up to {@link #DEFAULT_DELIVERY_TIMEOUT}).
	 * @param hopLimit see the record description
	 * @param poolSize see the record description
	 * @param poolOrigins see the record description
	 * @param poolTtl see the record description
	 * @param subscriberQueueCapacity see the record description
	 */
	public StreamerSettings(int hopLimit, int poolSize, int poolOrigins, Duration poolTtl,
			int subscriberQueueCapacity) {
		this(hopLimit, poolSize, poolOrigins, poolTtl, subscriberQueueCapacity, DeliveryPolicy.WAIT,
				DEFAULT_DELIVERY_TIMEOUT);
	}

	/**
	 * @param policy the delivery policy for subscriptions that do not choose their own
	 * @param timeout how long {@link DeliveryPolicy#WAIT} waits
	 * @return these settings with another default delivery
	 */
	public StreamerSettings withDelivery(DeliveryPolicy policy, Duration timeout) {
		return new StreamerSettings(this.hopLimit, this.poolSize, this.poolOrigins, this.poolTtl,
				this.subscriberQueueCapacity, policy, timeout);
	}

}
