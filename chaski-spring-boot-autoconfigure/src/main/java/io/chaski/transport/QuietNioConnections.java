package io.chaski.transport;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.SocketChannel;

import org.apache.commons.logging.Log;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.DefaultTcpNioConnectionSupport;
import org.springframework.integration.ip.tcp.connection.TcpConnectionSupport;
import org.springframework.integration.ip.tcp.connection.TcpNioConnection;

/**
 * Makes Spring Integration's NIO connections, each holding its {@link Connection} ({@link HoldsConnection}), and
 * makes them log a failed socket read (a peer's reset, most often) at DEBUG instead of ERROR with a stack trace,
 * as the blocking transport does: {@code TcpNioConnection.readPacket} logs every {@link IOException} of a read
 * at ERROR and offers no hook, and a stranger who resets connections must not be able to flood the log. The
 * connection still closes and the failure still reaches the transport as an event. Spring Integration keeps
 * the log in a final field, replaced here once per connection; if that ever fails, the connection keeps its
 * own log.
 */
final class QuietNioConnections extends DefaultTcpNioConnectionSupport {

	private static final Logger log = LoggerFactory.getLogger(QuietNioConnections.class);

	/** Spring Integration's message for a failed read in {@code readPacket}. */
	private static final String READ_FAILURE = "Exception on Read";

	private static final Field LOGGER = loggerField();

	@Override
	public TcpNioConnection createNewConnection(SocketChannel socketChannel, boolean server, boolean lookupHost,
			ApplicationEventPublisher applicationEventPublisher, String connectionFactoryName) {
		// not super's: the transport never asks for its push-back streams, and its connections hold no Connection
		TcpNioConnection connection = new HoldingNioConnection(socketChannel, server, lookupHost,
				applicationEventPublisher, connectionFactoryName);
		if (LOGGER != null) {
			try {
				LOGGER.set(connection, new QuietReads((Log) LOGGER.get(connection)));
			}
			catch (IllegalAccessException | RuntimeException ex) {
				log.debug("Cannot quieten the read log of {}: {}", connection.getConnectionId(), ex.toString());
			}
		}
		return connection;
	}

	private static Field loggerField() {
		try {
			Field field = TcpConnectionSupport.class.getDeclaredField("logger");
			field.setAccessible(true);
			return field;
		}
		catch (NoSuchFieldException | RuntimeException ex) {
			log.debug("NIO read failures will be logged by Spring Integration: {}", ex.toString());
			return null;
		}
	}

	/** Spring Integration's NIO connection, holding its {@link Connection}. */
	private static final class HoldingNioConnection extends TcpNioConnection implements HoldsConnection {

		private volatile Connection held;

		HoldingNioConnection(SocketChannel socketChannel, boolean server, boolean lookupHost,
				ApplicationEventPublisher publisher, String factoryName) {
			super(socketChannel, server, lookupHost, publisher, factoryName);
		}

		@Override
		public void hold(Connection connection) {
			this.held = connection;
		}

		@Override
		public Connection held() {
			return this.held;
		}

	}

	/** Spring Integration's log for one connection, with failed reads moved down to DEBUG. */
	private record QuietReads(Log delegate) implements Log {

		@Override
		public void error(Object message, Throwable t) {
			if (t instanceof IOException && String.valueOf(message).startsWith(READ_FAILURE)) {
				this.delegate.debug(message, t);
			}
			else {
				this.delegate.error(message, t);
			}
		}

		@Override
		public boolean isFatalEnabled() {
			return this.delegate.isFatalEnabled();
		}

		@Override
		public boolean isErrorEnabled() {
			return this.delegate.isErrorEnabled();
		}

		@Override
		public boolean isWarnEnabled() {
			return this.delegate.isWarnEnabled();
		}

		@Override
		public boolean isInfoEnabled() {
			return this.delegate.isInfoEnabled();
		}

		@Override
		public boolean isDebugEnabled() {
			return this.delegate.isDebugEnabled();
		}

		@Override
		public boolean isTraceEnabled() {
			return this.delegate.isTraceEnabled();
		}

		@Override
		public void fatal(Object message) {
			this.delegate.fatal(message);
		}

		@Override
		public void fatal(Object message, Throwable t) {
			this.delegate.fatal(message, t);
		}

		@Override
		public void error(Object message) {
			this.delegate.error(message);
		}

		@Override
		public void warn(Object message) {
			this.delegate.warn(message);
		}

		@Override
		public void warn(Object message, Throwable t) {
			this.delegate.warn(message, t);
		}

		@Override
		public void info(Object message) {
			this.delegate.info(message);
		}

		@Override
		public void info(Object message, Throwable t) {
			this.delegate.info(message, t);
		}

		@Override
		public void debug(Object message) {
			this.delegate.debug(message);
		}

		@Override
		public void debug(Object message, Throwable t) {
			this.delegate.debug(message, t);
		}

		@Override
		public void trace(Object message) {
			this.delegate.trace(message);
		}

		@Override
		public void trace(Object message, Throwable t) {
			this.delegate.trace(message, t);
		}

	}

}
