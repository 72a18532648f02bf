package io.chaski.transport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.locks.ReentrantLock;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.serializer.Serializer;
import org.springframework.integration.ip.tcp.connection.DefaultTcpNetConnectionSupport;
import org.springframework.integration.ip.tcp.connection.TcpNetConnection;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;

/**
 * Blocking connections that write each frame straight to the socket and read through a small buffer.
 * <p>
 * Writing: Spring Integration's {@code TcpNetConnection} writes through a {@code BufferedOutputStream} as large
 * as the socket's send buffer, which loopback and LAN autotuning report as megabytes: about 2 MiB of heap per
 * connection, 1 GiB for a hub with 500 peers (docs/performance.md). Chaski's frames are already whole batches,
 * so that buffer only copied them; here a frame is one write on the socket's own stream.
 * <p>
 * Reading: {@code TcpNetConnection} hands the deserializer the socket's own, unbuffered stream, so each frame
 * cost three reads from the kernel (its first byte, the rest of its header, its body). Through a
 * {@value #READ_BUFFER_BYTES}-byte buffer a small frame is one read, often several frames are; a body larger
 * than the buffer is still read straight into its array.
 */
final class BlockingConnections extends DefaultTcpNetConnectionSupport {

	/** Enough for a frame header and a typical small frame; 4 MiB of heap for a hub with 500 peers. */
	static final int READ_BUFFER_BYTES = 8 * 1024;

	@Override
	public TcpNetConnection createNewConnection(Socket socket, boolean server, boolean lookupHost,
			ApplicationEventPublisher applicationEventPublisher, String connectionFactoryName) {
		return new BlockingConnection(socket, server, lookupHost, applicationEventPublisher, connectionFactoryName);
	}

	/**
	 * A {@code TcpNetConnection} that writes frames without a buffer, reads them through a small one and holds
	 * its {@link Connection}.
	 */
	private static final class BlockingConnection extends TcpNetConnection implements HoldsConnection {

		private final Socket socket;

		private volatile Connection held;

		private final ReentrantLock sendLock = new ReentrantLock();

		private OutputStream out;

		/** Created and used by the connection's one reading thread. */
		private InputStream in;

		BlockingConnection(Socket socket, boolean server, boolean lookupHost, ApplicationEventPublisher publisher,
				String factoryName) {
			super(socket, server, lookupHost, publisher, factoryName);
			this.socket = socket;
		}

		@Override
		public void hold(Connection connection) {
			this.held = connection;
		}

		@Override
		public Connection held() {
			return this.held;
		}

		@Override
		protected InputStream inputStream() throws IOException {
			if (this.in == null) {
				this.in = new BufferedInputStream(super.inputStream(), READ_BUFFER_BYTES);
			}
			return this.in;
		}

		/** As Spring Integration's send, failures included (event, close, {@link MessagingException}). */
		@Override
		@SuppressWarnings("unchecked")
		public void send(Message<?> message) {
			this.sendLock.lock();
			try {
				if (this.out == null) {
					this.out = this.socket.getOutputStream();
				}
				((Serializer<Object>) getSerializer()).serialize(getMapper().fromMessage(message), this.out);
			}
			catch (IOException | RuntimeException ex) {
				MessagingException failure = new MessagingException(message, "Send Failed", ex);
				publishConnectionExceptionEvent(failure);
				closeConnection(true);
				throw failure;
			}
			finally {
				this.sendLock.unlock();
			}
		}

	}

}
