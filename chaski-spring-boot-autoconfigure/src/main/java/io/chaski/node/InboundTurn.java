package io.chaski.node;

import io.chaski.transport.Connection;

/**
 * Which of a peer's connections its traffic is read from. A peer writes on one connection at a time and moves to
 * another only after a HANDOVER on the first (docs/protocol.md 4.2), but this node reads every connection on a
 * thread of its own: traffic on a later connection waits until the earlier one has ended, so that messages keep
 * their order and the duplicate filter never sees new ids ahead of an unread backlog.
 */
final class InboundTurn {

	/** How often a waiting reader looks again: a connection's close does not wake it. */
	private static final long POLL_MILLIS = 1;

	/** The connection the peer's traffic is read from now; {@code null} once it ended, until another one comes. */
	private volatile Connection reading;

	/** Readers of other connections waiting for their turn. */
	private volatile int waiting;

	/**
	 * Waits until traffic on a connection may be read: no other connection of the peer is being read, or it ended
	 * (HANDOVER read, or closed), or the limit passed.
	 * @param connection the connection a frame came on
	 * @param limitNanos the longest wait
	 * @return {@code false} if the limit passed with another connection still being read (the order across the two
	 * is lost); the caller finds out whether its own connection closed meanwhile
	 * @throws InterruptedException if the reading thread is interrupted (the node is stopping)
	 */
	boolean take(Connection connection, long limitNanos) throws InterruptedException {
		return this.reading == connection || takeWaiting(connection, limitNanos);
	}

	private synchronized boolean takeWaiting(Connection connection, long limitNanos) throws InterruptedException {
		long deadline = System.nanoTime() + limitNanos;
		this.waiting++;
		try {
			while (this.reading != null && this.reading != connection && this.reading.isOpen() && connection.isOpen()) {
				if (System.nanoTime() - deadline >= 0) {
					this.reading = connection;
					return false;
				}
				wait(POLL_MILLIS);
			}
		}
		finally {
			this.waiting--;
		}
		if (connection.isOpen()) {
			this.reading = connection;
		}
		return true;
	}

	/** @param connection a connection whose traffic ended: its HANDOVER was read */
	synchronized void ended(Connection connection) {
		if (this.reading == connection) {
			this.reading = null;
			notifyAll();
		}
	}

	/**
	 * @param connection a connection
	 * @return whether the peer's traffic is read from it now
	 */
	boolean isReading(Connection connection) {
		return this.reading == connection;
	}

	/** @return whether traffic on another connection waits for the one read now */
	boolean hasWaiting() {
		return this.waiting > 0;
	}

	/** @return the connection the peer's traffic is read from now, {@code null} if none */
	Connection reading() {
		return this.reading;
	}

}
