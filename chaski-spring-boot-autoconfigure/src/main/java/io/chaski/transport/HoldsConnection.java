package io.chaski.transport;

/**
 * A Spring Integration connection made by this transport that holds the {@link Connection} wrapping it, so
 * its reader finds that {@code Connection} even after the close. A NIO connection closes on another thread as
 * soon as the peer's end of stream arrives, often before its reader has read the bytes that came first; the
 * reader must still tell a peer's truncated frame (reported) from a close of this node's own (not reported).
 */
interface HoldsConnection {

	/**
	 * @param connection the connection wrapping this one; set before the first read
	 */
	void hold(Connection connection);

	/** @return the connection wrapping this one, open or closed */
	Connection held();

}
