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

	/**
	 * Waits until traffic on a connection may be read: no other connection of the peer is being read, or it ended
	 * (HANDOVER read, or closed), or the limit passed.
	 * @param connection the connection a frame came on
	 * @param limitNanos the longest wait
	 * @return {@code false} if the limit passed with another connection still being read (the order across the two
	 * is lost)
	 * @throws InterruptedException if the reading thread is interrupted (the node is stopping)
	 */
	boolean take(Connection connection, long limitNanos) throws InterruptedException {
		return this.reading == connection || takeWaiting(connection, limitNanos);
	}

	private synchronized boolean takeWaiting(Connection connection, long limitNanos) throws InterruptedException {
		long deadline = System.nanoTime() + limitNanos;
		while (this.reading != null && this.reading != connection && this.reading.isOpen()) {
			if (System.nanoTime() - deadline >= 0) {
				this.reading = connection;
				return false;
			}
			wait(POLL_MILLIS);
		}
		this.reading = connection;
		return true;
	}

	/**
	 * @param connection a connection whose traffic ended: its HANDOVER was read
	 * @return whether it was the one being read
	 */
	synchronized boolean ended(Connection connection) {
		if (this.reading != connection) {
			return false;
		}
		this.reading = null;
		notifyAll();
		return true;
	}

	/** @param connection a connection; whether the peer's traffic is read from it now */
	boolean isReading(Connection connection) {
		return this.reading == connection;
	}

}
