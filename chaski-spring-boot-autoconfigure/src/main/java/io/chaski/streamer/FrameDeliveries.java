package io.chaski.streamer;

import java.util.ArrayList;
import java.util.List;

import io.chaski.wire.Envelope;

/**
 * The local deliveries of one received frame, grouped by subscription so that each subscription takes them
 * under one lock. One per I/O thread; the lists are reused from frame to frame.
 */
final class FrameDeliveries {

	private final List<ChaskiSubscription<?>> subscriptions = new ArrayList<>();

	private final List<List<Envelope>> batches = new ArrayList<>();

	private int used;

	void add(ChaskiSubscription<?> subscription, Envelope envelope) {
		for (int i = 0; i < this.used; i++) {
			if (this.subscriptions.get(i) == subscription) {
				this.batches.get(i).add(envelope);
				return;
			}
		}
		if (this.used == this.subscriptions.size()) {
			this.subscriptions.add(subscription);
			this.batches.add(new ArrayList<>());
		}
		else {
			this.subscriptions.set(this.used, subscription);
		}
		this.batches.get(this.used++).add(envelope);
	}

	/**
	 * Hands every batch to its subscription and empties this collector.
	 * @param sink receives each subscription with its batch
	 */
	void flush(Sink sink) {
		for (int i = 0; i < this.used; i++) {
			List<Envelope> batch = this.batches.get(i);
			sink.deliver(this.subscriptions.get(i), batch);
			batch.clear();
			this.subscriptions.set(i, null);
		}
		this.used = 0;
	}

	/** Where {@link #flush} hands the batches. */
	@FunctionalInterface
	interface Sink {

		void deliver(ChaskiSubscription<?> subscription, List<Envelope> batch);

	}

}
