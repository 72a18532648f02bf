package io.chaski.streamer;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.chaski.wire.Envelope;

/**
 * A subscription's bounded buffer: a ring that applies the subscription's {@link DeliveryPolicy} when full.
 * Under {@link DeliveryPolicy#WAIT} the delivering thread waits for room up to a timeout; a wait that times out
 * marks the buffer stalled, and a stalled buffer drops at once until its reader takes a message again, so a
 * reader that stopped costs its link one timeout, not one per message. Messages a reader took in its last batch
 * count against the capacity until it comes back for the next one, so the bound is strict. It takes whole
 * frames' worth of messages under one lock and hands a reader a batch under one lock, because in the benchmark
 * per-message locking between the I/O thread and the reader cost more than the messages themselves.
 */
final class SubscriptionBuffer {

	private final Envelope[] ring;

	private final DeliveryPolicy policy;

	private final long timeoutNanos;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition notEmpty = this.lock.newCondition();

	private final Condition notFull = this.lock.newCondition();

	private int head;

	private int size;

	/** Messages the reader took in its last batch; they still count against the capacity. */
	private int inReader;

	private int producersWaiting;

	private boolean stalled;

	private boolean closed;

	/**
	 * @param capacity most messages buffered or held by the reader
	 * @param policy what a full buffer does
	 * @param timeout how long {@link DeliveryPolicy#WAIT} waits for room
	 */
	SubscriptionBuffer(int capacity, DeliveryPolicy policy, Duration timeout) {
		this.ring = new Envelope[capacity];
		this.policy = policy;
		this.timeoutNanos = timeout.toNanos();
	}

	DeliveryPolicy policy() {
		return this.policy;
	}

	/**
	 * @param envelope a message
	 * @return how many messages the policy dropped (0 or 1)
	 */
	int add(Envelope envelope) {
		return addAll(new Envelope[] { envelope }, 1);
	}

	/**
	 * Adds messages, applying the policy to each one that finds the buffer full; under {@link DeliveryPolicy#WAIT}
	 * the whole call waits at most the timeout. Nothing is added once the buffer is closed.
	 * @param envelopes messages, oldest first, in {@code envelopes[0, count)}
	 * @param count how many
	 * @return how many messages the policy dropped
	 */
	int addAll(Envelope[] envelopes, int count) {
		this.lock.lock();
		try {
			int dropped = 0;
			long remaining = this.timeoutNanos;
			int next = 0;
			while (next < count && !this.closed) {
				if (isFull()) {
					if (this.policy == DeliveryPolicy.WAIT) {
						remaining = awaitRoom(remaining);
					}
					else if (this.policy == DeliveryPolicy.DROP_OLDEST && this.size > 0) {
						removeOldest();
						dropped++;
					}
					if (this.closed) {
						break;
					}
					if (isFull()) {
						dropped++;
						next++;
						continue;
					}
				}
				// as many as there is room for, in one or two array copies (the ring may wrap)
				int moved = Math.min(count - next, this.ring.length - this.size - this.inReader);
				int tail = wrap(this.head + this.size);
				int first = Math.min(moved, this.ring.length - tail);
				System.arraycopy(envelopes, next, this.ring, tail, first);
				System.arraycopy(envelopes, next + first, this.ring, 0, moved - first);
				this.size += moved;
				next += moved;
			}
			this.notEmpty.signal();
			return dropped;
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean isFull() {
		return this.size + this.inReader >= this.ring.length;
	}

	/**
	 * Waits for room unless the buffer is stalled; called full, with the lock held. Still full on return: the
	 * wait timed out (the buffer is stalled now) or the thread was interrupted.
	 * @return the time left for the rest of the caller's messages
	 */
	private long awaitRoom(long remaining) {
		if (this.stalled) {
			return remaining;
		}
		this.notEmpty.signal(); // what this call added so far must be readable while it waits
		this.producersWaiting++;
		try {
			while (isFull() && !this.closed) {
				if (remaining <= 0) {
					this.stalled = true;
					return remaining;
				}
				remaining = this.notFull.awaitNanos(remaining);
			}
		}
		catch (InterruptedException ex) {
			// the connection is closing: give up on this message, keep the flag for whoever stops the thread
			Thread.currentThread().interrupt();
			this.stalled = true;
		}
		finally {
			this.producersWaiting--;
		}
		return remaining;
	}

	private void removeOldest() {
		this.ring[this.head] = null;
		this.head = wrap(this.head + 1);
		this.size--;
	}

	/** An index past the end of the ring, back into it: a compare instead of a division per message. */
	private int wrap(int index) {
		return (index >= this.ring.length) ? index - this.ring.length : index;
	}

	/**
	 * Moves up to {@code max} messages, oldest first, waiting up to a timeout for the first one. Calling it tells
	 * the buffer that the reader is done with its previous batch.
	 * @param into where they go, from index 0
	 * @param timeoutNanos how long to wait when the buffer is empty
	 * @return how many were moved (at most {@code into.length}); 0 on timeout
	 * @throws InterruptedException if the reader is interrupted while waiting
	 */
	int takeInto(Envelope[] into, long timeoutNanos) throws InterruptedException {
		this.lock.lockInterruptibly();
		try {
			this.inReader = 0;
			signalProducers();
			long remaining = timeoutNanos;
			while (this.size == 0) {
				if (remaining <= 0) {
					return 0;
				}
				remaining = this.notEmpty.awaitNanos(remaining);
			}
			// in one or two array copies (the ring may wrap), the ring's slots cleared behind them
			int moved = Math.min(into.length, this.size);
			int first = Math.min(moved, this.ring.length - this.head);
			System.arraycopy(this.ring, this.head, into, 0, first);
			Arrays.fill(this.ring, this.head, this.head + first, null);
			System.arraycopy(this.ring, 0, into, first, moved - first);
			Arrays.fill(this.ring, 0, moved - first, null);
			this.head = wrap(this.head + moved);
			this.size -= moved;
			this.inReader = moved;
			this.stalled = false;
			return moved;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void signalProducers() {
		if (this.producersWaiting > 0) {
			this.notFull.signalAll();
		}
	}

	/**
	 * Empties the buffer for good and wakes everyone: waiting producers give up, readers find {@code marker}.
	 * @param marker the message readers find instead of more messages
	 */
	void close(Envelope marker) {
		this.lock.lock();
		try {
			this.closed = true;
			Arrays.fill(this.ring, null);
			this.head = 0;
			this.ring[0] = marker;
			this.size = 1;
			this.inReader = 0;
			this.notEmpty.signalAll();
			this.notFull.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** @return messages buffered or held by the reader */
	int size() {
		this.lock.lock();
		try {
			return this.size + this.inReader;
		}
		finally {
			this.lock.unlock();
		}
	}

}
