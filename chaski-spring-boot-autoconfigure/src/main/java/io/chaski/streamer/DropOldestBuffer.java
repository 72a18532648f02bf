package io.chaski.streamer;

import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.chaski.wire.Envelope;

/**
 * A subscription's bounded buffer: a ring that drops its oldest message when a new one does not fit, so a
 * slow reader costs memory up to the capacity and never holds up the I/O thread. It takes whole frames'
 * worth of messages under one lock and hands a reader a batch under one lock, because in the benchmark the
 * per-message locking of {@code ArrayBlockingQueue} between the I/O thread and the reader cost more than
 * the messages themselves.
 */
final class DropOldestBuffer {

	private final Envelope[] ring;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition notEmpty = this.lock.newCondition();

	private int head;

	private int size;

	DropOldestBuffer(int capacity) {
		this.ring = new Envelope[capacity];
	}

	/**
	 * @param envelope a message
	 * @return how many older messages were dropped to make room (0 or 1)
	 */
	int add(Envelope envelope) {
		this.lock.lock();
		try {
			int dropped = push(envelope);
			this.notEmpty.signal();
			return dropped;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * @param envelopes messages, oldest first
	 * @return how many older messages were dropped to make room
	 */
	int addAll(List<Envelope> envelopes) {
		this.lock.lock();
		try {
			int dropped = 0;
			for (int i = 0; i < envelopes.size(); i++) {
				dropped += push(envelopes.get(i));
			}
			this.notEmpty.signal();
			return dropped;
		}
		finally {
			this.lock.unlock();
		}
	}

	private int push(Envelope envelope) {
		int dropped = 0;
		if (this.size == this.ring.length) {
			this.ring[this.head] = null;
			this.head = (this.head + 1) % this.ring.length;
			this.size--;
			dropped = 1;
		}
		this.ring[(this.head + this.size) % this.ring.length] = envelope;
		this.size++;
		return dropped;
	}

	/**
	 * Moves up to {@code max} messages, oldest first, waiting up to a timeout for the first one.
	 * @param into where they go
	 * @param max most messages to move
	 * @param timeoutNanos how long to wait when the buffer is empty
	 * @return how many were moved; 0 on timeout
	 * @throws InterruptedException if the reader is interrupted while waiting
	 */
	int takeInto(Deque<Envelope> into, int max, long timeoutNanos) throws InterruptedException {
		this.lock.lockInterruptibly();
		try {
			long remaining = timeoutNanos;
			while (this.size == 0) {
				if (remaining <= 0) {
					return 0;
				}
				remaining = this.notEmpty.awaitNanos(remaining);
			}
			int moved = Math.min(max, this.size);
			for (int i = 0; i < moved; i++) {
				into.add(this.ring[this.head]);
				this.ring[this.head] = null;
				this.head = (this.head + 1) % this.ring.length;
			}
			this.size -= moved;
			return moved;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Empties the buffer. */
	void clear() {
		this.lock.lock();
		try {
			java.util.Arrays.fill(this.ring, null);
			this.head = 0;
			this.size = 0;
		}
		finally {
			this.lock.unlock();
		}
	}

	int size() {
		this.lock.lock();
		try {
			return this.size;
		}
		finally {
			this.lock.unlock();
		}
	}

}
