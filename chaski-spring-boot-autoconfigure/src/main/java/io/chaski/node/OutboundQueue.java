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
 * writer took, and places reserved by a publisher for a message it is about to commit, count against the
 * capacity, so the bound is strict.
 * <p>
 * Under {@link OverflowPolicy#WAIT} relays wait too (bounded by the relaying node's delivery timeout), so
 * back-pressure crosses relays. A relay wait that times out marks the queue stalled: further relays are
 * refused at once until the writer gets something out, so a peer that stopped reading costs the relaying
 * connection one timeout, and a cycle of full queues unwinds after one timeout instead of deadlocking.
 */
final class OutboundQueue {

	private final int capacity;

	private final OverflowPolicy policy;

	private final Runnable onDrop;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition hasWork = this.lock.newCondition();

	private final Condition hasRoom = this.lock.newCondition();

	private ArrayDeque<Envelope> pending = new ArrayDeque<>();

	private int inFlight;

	/** Places publishers reserved for messages they have not committed yet. */
	private int reserved;

	/** A relay timed out waiting for room and the writer has sent nothing since. */
	private boolean relayStalled;

	private boolean wakeRequested;

	/** Whether the writer waits for work: only then does a producer pay for signalling it. */
	private boolean writerWaiting;

	/**
	 * @param settings capacity and overflow policy
	 * @param onDrop counts each message refused or dropped
	 */
	OutboundQueue(NodeSettings settings, Runnable onDrop) {
		this.capacity = settings.outboundQueueCapacity();
		this.policy = settings.overflowPolicy();
		this.onDrop = onDrop;
	}

	/**
	 * Queues a message, applying the overflow policy when the queue is full.
	 * @param envelope the message
	 * @param waitNanos how long {@link OverflowPolicy#WAIT} may wait for room
	 * @param relay whether it is relayed for another node (a relay gives up at once while the queue is stalled)
	 * @return whether it was queued; a refusal or a dropped older message has been counted
	 * @throws InterruptedException if a producer waiting for room is interrupted
	 */
	boolean offer(Envelope envelope, long waitNanos, boolean relay) throws InterruptedException {
		this.lock.lock();
		try {
			if (isFull() && makeRoom(waitNanos, relay) < 0) {
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

	/**
	 * Holds a place for a message a publisher commits with {@link #commit} or gives back with {@link #release},
	 * applying the overflow policy when the queue is full.
	 * @param waitNanos how long {@link OverflowPolicy#WAIT} may wait for room
	 * @return the wait time left (0 or more) once the place is held, or -1 if refused (counted)
	 * @throws InterruptedException if the publisher is interrupted while waiting
	 */
	long reserve(long waitNanos) throws InterruptedException {
		this.lock.lock();
		try {
			long remaining = isFull() ? makeRoom(waitNanos, false) : waitNanos;
			if (remaining < 0) {
				this.onDrop.run();
				return -1;
			}
			this.reserved++;
			return remaining;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** @param envelope the message for a place held by {@link #reserve} */
	void commit(Envelope envelope) {
		this.lock.lock();
		try {
			this.reserved--;
			this.pending.addLast(envelope);
			signalWriter();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Gives back a place held by {@link #reserve}. */
	void release() {
		this.lock.lock();
		try {
			this.reserved--;
			this.hasRoom.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean isFull() {
		return this.pending.size() + this.inFlight + this.reserved >= this.capacity;
	}

	/**
	 * Called with the lock held and the queue full.
	 * @return the wait time left once there is room, or -1 if there is none
	 */
	private long makeRoom(long waitNanos, boolean relay) throws InterruptedException {
		switch (this.policy) {
			case DROP_OLDEST -> {
				while (isFull() && this.pending.pollFirst() != null) {
					this.onDrop.run();
				}
			}
			case WAIT -> {
				if (relay && this.relayStalled) {
					return -1;
				}
				long remaining = waitNanos;
				while (isFull() && remaining > 0) {
					remaining = this.hasRoom.awaitNanos(remaining);
				}
				if (isFull() && relay) {
					this.relayStalled = true;
				}
				return isFull() ? -1 : Math.max(0, remaining);
			}
			case FAIL -> {
				return -1;
			}
		}
		return isFull() ? -1 : waitNanos;
	}

	/**
	 * Reports the writer's last batch as sent, then waits until messages are queued or {@link #wake()} is called
	 * and hands over everything queued: one lock for both, so the writer meets a publisher on the lock once per
	 * batch.
	 * @param empty an empty deque that becomes the new queue
	 * @param sent how many messages of the last batch the writer is done with (0 the first time): they no
	 * longer count against the capacity
	 * @return the messages, oldest first (possibly none after a wake-up)
	 * @throws InterruptedException when the edge closes
	 */
	ArrayDeque<Envelope> takeAll(ArrayDeque<Envelope> empty, int sent) throws InterruptedException {
		this.lock.lock();
		try {
			if (sent > 0) {
				this.inFlight -= sent;
				this.relayStalled = false;
				this.hasRoom.signalAll();
			}
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

	/** @return whether nothing is queued, reserved or being written */
	boolean isIdle() {
		this.lock.lock();
		try {
			return this.pending.isEmpty() && this.inFlight == 0 && this.reserved == 0;
		}
		finally {
			this.lock.unlock();
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
