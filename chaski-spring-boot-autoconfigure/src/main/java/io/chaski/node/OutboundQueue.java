package io.chaski.node;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.chaski.wire.Envelope;

/**
 * The bounded queue of messages waiting for one peer's writer. Producers append under a lock held for a few
 * instructions; the writer takes everything queued at once by swapping the deque for an empty one, so
 * neither side holds the lock long enough for the other to park on it (with {@code ArrayBlockingQueue},
 * draining a thousand messages under its lock made the publisher park and be unparked again). Messages the
 * writer took count against the capacity until it reports them sent, so the bound is strict.
 */
final class OutboundQueue {

	private final int capacity;

	private final OverflowPolicy policy;

	private final long sendTimeoutNanos;

	private final Runnable onDrop;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition hasWork = this.lock.newCondition();

	private final Condition hasRoom = this.lock.newCondition();

	private ArrayDeque<Envelope> pending = new ArrayDeque<>();

	private int inFlight;

	private boolean wakeRequested;

	/** Whether the writer waits for work: only then does a producer pay for signalling it. */
	private boolean writerWaiting;

	/**
	 * @param settings capacity, overflow policy and send timeout
	 * @param onDrop counts each message refused or dropped
	 */
	OutboundQueue(NodeSettings settings, Runnable onDrop) {
		this.capacity = settings.outboundQueueCapacity();
		this.policy = settings.overflowPolicy();
		this.sendTimeoutNanos = settings.sendTimeout().toNanos();
		this.onDrop = onDrop;
	}

	/**
	 * Queues a message, applying the overflow policy when the queue is full.
	 * @param envelope the message
	 * @param mayWait whether the caller may be held up by {@link OverflowPolicy#WAIT}; relays on I/O threads
	 * may not (waiting there would stall everything arriving on that connection), so for them WAIT refuses
	 * at once like {@link OverflowPolicy#FAIL}
	 * @return whether it was queued; a refusal or a dropped older message has been counted
	 * @throws InterruptedException if a producer waiting for room is interrupted
	 */
	boolean offer(Envelope envelope, boolean mayWait) throws InterruptedException {
		this.lock.lock();
		try {
			if (this.pending.size() + this.inFlight >= this.capacity && !makeRoom(mayWait)) {
				this.onDrop.run();
				return false;
			}
			this.pending.addLast(envelope);
			signalWriter();
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** @return whether there is room now; called with the lock held and the queue full */
	private boolean makeRoom(boolean mayWait) throws InterruptedException {
		switch (this.policy) {
			case DROP_OLDEST -> {
				while (this.pending.size() + this.inFlight >= this.capacity && this.pending.pollFirst() != null) {
					this.onDrop.run();
				}
			}
			case WAIT -> {
				long remaining = mayWait ? this.sendTimeoutNanos : 0;
				while (this.pending.size() + this.inFlight >= this.capacity && remaining > 0) {
					remaining = this.hasRoom.awaitNanos(remaining);
				}
			}
			case FAIL -> {
				return false;
			}
		}
		return this.pending.size() + this.inFlight < this.capacity;
	}

	/**
	 * Waits until messages are queued or {@link #wake()} is called, then hands over everything queued.
	 * @param empty an empty deque that becomes the new queue
	 * @return the messages, oldest first (possibly none after a wake-up); report them with {@link #sent}
	 * @throws InterruptedException when the edge closes
	 */
	ArrayDeque<Envelope> takeAll(ArrayDeque<Envelope> empty) throws InterruptedException {
		this.lock.lock();
		try {
			while (this.pending.isEmpty() && !this.wakeRequested) {
				this.writerWaiting = true;
				this.hasWork.await();
			}
			this.writerWaiting = false;
			this.wakeRequested = false;
			ArrayDeque<Envelope> taken = this.pending;
			this.pending = empty;
			this.inFlight += taken.size();
			return taken;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The writer is done with messages it took: they no longer count against the capacity.
	 * @param messages how many
	 */
	void sent(int messages) {
		this.lock.lock();
		try {
			this.inFlight -= messages;
			this.hasRoom.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Makes the writer return from {@link #takeAll} even with nothing queued (control messages wait). */
	void wake() {
		this.lock.lock();
		try {
			this.wakeRequested = true;
			signalWriter();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void signalWriter() {
		if (this.writerWaiting) {
			this.writerWaiting = false;
			this.hasWork.signal();
		}
	}

	/** @return messages queued or taken by the writer and not yet sent */
	int size() {
		this.lock.lock();
		try {
			return this.pending.size() + this.inFlight;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Discards what is queued (the edge closed).
	 * @return how many messages were discarded
	 */
	int clear() {
		this.lock.lock();
		try {
			int discarded = this.pending.size();
			this.pending.clear();
			this.hasRoom.signalAll();
			return discarded;
		}
		finally {
			this.lock.unlock();
		}
	}

}
