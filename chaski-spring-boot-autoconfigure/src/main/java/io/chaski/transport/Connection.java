package io.chaski.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

import io.chaski.wire.FrameBuffer;

import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.messaging.support.GenericMessage;

/**
 * One TCP connection to another node, used in both directions.
 */
public final class Connection {

	private final TcpConnection tcp;

	private final boolean initiatedLocally;

	private final Runnable onClose;

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile boolean handshakeCompleted;

	private volatile boolean closedHere;

	Connection(TcpConnection tcp, boolean initiatedLocally, Runnable onClose) {
		this.tcp = tcp;
		this.initiatedLocally = initiatedLocally;
		this.onClose = onClose;
	}

	/** @return the transport's id for this connection */
	public String id() {
		return this.tcp.getConnectionId();
	}

	/** @return whether this node opened the connection */
	public boolean initiatedLocally() {
		return this.initiatedLocally;
	}

	/** @return the socket address of the other end */
	public InetSocketAddress remoteAddress() {
		return new InetSocketAddress(this.tcp.getHostAddress(), this.tcp.getPort());
	}

	/** @return whether the connection is still open */
	public boolean isOpen() {
		return !this.closed.get() && this.tcp.isOpen();
	}

	/**
	 * Writes a finished frame; blocks until the socket has taken it.
	 * @param frame the frame
	 * @throws org.springframework.messaging.MessagingException if the connection fails (it is then closed)
	 */
	public void send(FrameBuffer frame) {
		this.tcp.send(new GenericMessage<>(frame));
	}

	/**
	 * Tells the transport that the peer completed its handshake: from the next frame on, it may send frames up
	 * to the maximum frame size instead of the small pre-handshake limit.
	 */
	public void handshakeCompleted() {
		this.handshakeCompleted = true;
	}

	/** @return whether {@link #handshakeCompleted()} was called */
	boolean isHandshakeCompleted() {
		return this.handshakeCompleted;
	}

	/**
	 * @return whether this node closed the connection before the peer did (its stream then ends, through no
	 * fault of the peer)
	 */
	boolean isClosedHere() {
		return this.closedHere;
	}

	/** Closes the connection; the other end sees the close at once. */
	public void close() {
		// a cleanup after the peer's close must not make the peer's truncated frame look like this node's doing
		if (!this.closed.get()) {
			this.closedHere = true;
		}
		this.tcp.close();
		markClosed();
	}

	void markClosed() {
		if (this.closed.compareAndSet(false, true)) {
			this.onClose.run();
		}
	}

	@Override
	public String toString() {
		return (this.initiatedLocally ? "to " : "from ") + this.tcp.getHostAddress() + ":" + this.tcp.getPort();
	}

}
