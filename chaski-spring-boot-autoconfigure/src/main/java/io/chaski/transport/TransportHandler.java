package io.chaski.transport;

/**
 * Receives what happens on a transport's connections. Called on I/O threads: implementations must not block
 * for long.
 */
public interface TransportHandler {

	/**
	 * A connection opened, in either direction.
	 * @param connection the connection
	 */
	void opened(Connection connection);

	/**
	 * A frame arrived. With NIO this may come after {@link #closed} for its connection: the frame arrived before
	 * the peer's end of stream, which closed the connection before the frame was read.
	 * @param connection where it came from
	 * @param body the frame body (the bytes after the frame header)
	 */
	void frameReceived(Connection connection, byte[] body);

	/**
	 * A connection closed, for whatever reason; called once per connection.
	 * @param connection the connection
	 */
	void closed(Connection connection);

	/**
	 * The transport closed a connection for bytes that are not a valid frame (bad magic or version, too large,
	 * truncated) and logged why. The connection may already be gone when this is called.
	 * @param peer the other end, {@code host:port}
	 * @param reason what was wrong
	 */
	void rejected(String peer, String reason);

	/**
	 * The transport closed a connection at once because every I/O thread was taken (and logged it,
	 * rate-limited); {@link #closed} is called for it as for any connection.
	 * @param peer the other end, {@code host:port}
	 */
	void refused(String peer);

}
