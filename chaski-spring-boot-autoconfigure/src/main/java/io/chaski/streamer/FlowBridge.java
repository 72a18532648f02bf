package io.chaski.streamer;

import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Pumps a {@link ChaskiSubscription} into a {@link Flow.Subscriber} as fast as it requests.
 */
final class FlowBridge<T> implements Flow.Subscription, Runnable {

	private static final Duration POLL = Duration.ofMillis(100);

	private final ChaskiSubscription<T> source;

	private final Flow.Subscriber<? super ChaskiMessage<T>> subscriber;

	private final AtomicLong demand = new AtomicLong();

	private volatile boolean cancelled;

	private volatile Thread thread;

	FlowBridge(ChaskiSubscription<T> source, Flow.Subscriber<? super ChaskiMessage<T>> subscriber) {
		this.source = source;
		this.subscriber = subscriber;
	}

	void start(Thread pump) {
		this.thread = pump;
		this.subscriber.onSubscribe(this);
		pump.start();
	}

	@Override
	public void request(long n) {
		if (n <= 0) {
			this.cancelled = true;
			this.subscriber.onError(new IllegalArgumentException("request must be positive (rule 3.9), was " + n));
			return;
		}
		this.demand.getAndAccumulate(n, (current, add) -> (current + add < 0) ? Long.MAX_VALUE : current + add);
		LockSupport.unpark(this.thread);
	}

	@Override
	public void cancel() {
		this.cancelled = true;
		LockSupport.unpark(this.thread);
	}

	@Override
	public void run() {
		try {
			while (!this.cancelled) {
				if (this.demand.get() == 0) {
					LockSupport.parkNanos(POLL.toNanos());
					if (this.source.isClosed()) {
						break;
					}
					continue;
				}
				ChaskiMessage<T> message = this.source.poll(POLL);
				if (message != null) {
					this.demand.decrementAndGet();
					this.subscriber.onNext(message);
				}
				else if (this.source.isClosed()) {
					break;
				}
			}
			if (!this.cancelled) {
				this.subscriber.onComplete();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			this.subscriber.onError(ex);
		}
	}

}
