package io.chaski.node;

import io.chaski.wire.Envelope;

/**
 * Handles the envelopes of one kind that arrive from peers (for example the streamer for
 * {@link io.chaski.wire.EnvelopeKind#PUBLISH}). Called on I/O threads, in arrival order per connection: do
 * not block, hand work to a queue.
 */
@FunctionalInterface
public interface EnvelopeHandler {

	/**
	 * @param from the edge it came over
	 * @param envelope the envelope
	 */
	void handle(Edge from, Envelope envelope);

	/**
	 * Called on the same thread after the envelopes of one frame were handled, so a handler can pass them
	 * on in one batch.
	 */
	default void endOfFrame() {
	}

}
