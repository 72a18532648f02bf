package io.chaski.transport;

import java.io.IOException;
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
 * Blocking connections that write each frame straight to the socket. Spring Integration's
 * {@code TcpNetConnection} writes through a {@code BufferedOutputStream} as large as the socket's send buffer,
 * which loopback and LAN autotuning report as megabytes: about 2 MiB of heap per connection, 1 GiB for a hub
 * with 500 peers (docs/performance.md). Chaski's frames are already whole batches, so that buffer only copied
 * them; here a frame is one write on the socket's own stream and a connection holds no write buffer.
 */
final class DirectWriteConnections extends DefaultTcpNetConnectionSupport {

	@Override
	public TcpNetConnection createNewConnection(Socket socket, boolean server, boolean lookupHost,
			ApplicationEventPublisher applicationEventPublisher, String connectionFactoryName) {
		return new DirectWriteConnection(socket, server, lookupHost, applicationEventPublisher, connectionFactoryName);
	}

	/** A {@code TcpNetConnection} whose send writes the serialized frame to the socket without a buffer. */
	private static final class DirectWriteConnection extends TcpNetConnection {

		private final Socket socket;

		private final ReentrantLock sendLock = new ReentrantLock();

		private OutputStream out;

		DirectWriteConnection(Socket socket, boolean server, boolean lookupHost, ApplicationEventPublisher publisher,
				String factoryName) {
			super(socket, server, lookupHost, publisher, factoryName);
			this.socket = socket;
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
