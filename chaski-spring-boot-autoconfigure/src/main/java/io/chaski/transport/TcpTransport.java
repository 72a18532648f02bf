package io.chaski.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.support.DaemonThreads;
import io.chaski.support.IoThreads;
import io.chaski.support.LogSafe;
import io.chaski.support.RateLimitedLog;
import io.chaski.wire.WireFormatException;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.integration.ip.tcp.connection.AbstractClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.AbstractConnectionFactory;
import org.springframework.integration.ip.tcp.connection.AbstractServerConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpConnectionExceptionEvent;
import org.springframework.integration.ip.tcp.connection.TcpMessageMapper;
import org.springframework.integration.ip.tcp.connection.TcpNetClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpNetServerConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpNioClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpNioServerConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpSender;
import org.springframework.messaging.Message;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * A node's TCP endpoint on Spring Integration's connection factories: one server factory for incoming
 * connections, one client factory per outgoing connection, one shared, bounded thread pool. It moves frames;
 * what they mean is the {@link TransportHandler}'s business. Until a connection's handshake completes, its
 * frames are limited to the small handshake size; a peer's misbehaviour closes its connection with a
 * rate-limited warning, never an error.
 */
public final class TcpTransport {

	private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);

	private final TransportSettings settings;

	private final TransportHandler handler;

	private final FrameSerializer serializer;

	private final BoundedIoExecutor executor;

	/** Warnings whose number peers control. */
	private final RateLimitedLog warnings = new RateLimitedLog(log);

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	private final Map<String, Connection> connections = new ConcurrentHashMap<>();

	private final ApplicationEventPublisher events = this::onEvent;

	private AbstractServerConnectionFactory server;

	/**
	 * @param settings where to listen and how
	 * @param handler receives connections and frames
	 * @param threadNamePrefix prefix of the I/O thread names (the node's name)
	 */
	public TcpTransport(TransportSettings settings, TransportHandler handler, String threadNamePrefix) {
		this.settings = settings;
		this.handler = handler;
		this.serializer = new FrameSerializer(settings.handshakeMaxFrameBytes());
		this.executor = new BoundedIoExecutor(settings.maxThreads(), IoThreads.factory(threadNamePrefix + "-io-"),
				this::refused);
		this.scheduler.setThreadFactory(DaemonThreads.factory(threadNamePrefix + "-tcp-scheduler-"));
		this.scheduler.initialize();
	}

	/**
	 * Binds the listening socket and waits until it accepts connections.
	 * @throws TransportException if the socket cannot bind (address in use, bad host) or does not listen in time
	 */
	public void start() {
		ServerState state = new ServerState();
		AbstractServerConnectionFactory factory = (this.settings.mode() == TransportMode.NIO)
				? new QuietNioServer(this.settings.port(), state)
				: new QuietNetServer(this.settings.port(), state);
		factory.setLocalAddress(this.settings.bindHost());
		factory.setBacklog(this.settings.listenBacklog());
		if (factory instanceof QuietNioServer nio) {
			// one accept per selector round, so the reads of connections already accepted (a real peer's HELLO)
			// keep up with a flood of new ones instead of waiting behind a whole backlog
			nio.setMultiAccept(false);
			nio.setTcpNioConnectionSupport(new QuietNioConnections());
		}
		if (factory instanceof QuietNetServer net) {
			net.setTcpNetConnectionSupport(new BlockingConnections());
		}
		configure(factory, false);
		this.server = factory;
		factory.start();
		long deadline = System.nanoTime() + this.settings.connectTimeout().toNanos();
		while (!factory.isListening()) {
			boolean failed = state.bindFailed();
			if (failed || System.nanoTime() > deadline) {
				factory.stop();
				String where = this.settings.bindHost() + ":" + this.settings.port();
				IOException reason = failed ? bindFailureReason() : null;
				throw new TransportException(failed ? "Cannot listen on " + where + ": " + describe(reason)
						: "Could not listen on " + where + " within " + this.settings.connectTimeout(), reason);
			}
			LockSupport.parkNanos(1_000_000);
		}
	}

	/**
	 * Learns why the server could not bind by binding a throwaway socket the same way: Spring Integration keeps
	 * the exception for its ERROR line with a stack trace, which the quiet servers skip so start reports it once.
	 */
	private IOException bindFailureReason() {
		try (ServerSocket probe = new ServerSocket()) {
			probe.bind(new InetSocketAddress(this.settings.bindHost(), this.settings.port()));
			return null;
		}
		catch (IOException ex) {
			return ex;
		}
	}

	private static String describe(IOException reason) {
		return (reason != null) ? rootMessage(reason) : "the address was free again when checked, try again";
	}

	/** @return whether the server socket is listening */
	public boolean isListening() {
		return this.server != null && this.server.isListening();
	}

	/** @return the bound address (with the real port when 0 was asked for), or {@code null} before start */
	public InetSocketAddress localAddress() {
		SocketAddress address = (this.server != null) ? this.server.getServerSocketAddress() : null;
		return (address instanceof InetSocketAddress inet) ? inet : null;
	}

	/**
	 * Opens a connection to another node, off the caller's thread.
	 * @param host host name or address
	 * @param port port
	 * @return the open connection, or a failure after the connect timeout
	 */
	public CompletableFuture<Connection> connect(String host, int port) {
		try {
			return CompletableFuture.supplyAsync(() -> open(host, port), this.executor);
		}
		catch (RejectedExecutionException ex) {
			return CompletableFuture.failedFuture(new TransportException("Cannot connect to " + host + ":" + port
					+ ": all " + this.settings.maxThreads() + " I/O threads are busy", ex));
		}
	}

	private Connection open(String host, int port) {
		AbstractClientConnectionFactory factory = (this.settings.mode() == TransportMode.NIO)
				? new QuietNioClient(host, port) : new TcpNetClientConnectionFactory(host, port);
		if (factory instanceof QuietNioClient nio) {
			nio.setTcpNioConnectionSupport(new QuietNioConnections());
		}
		else if (factory instanceof TcpNetClientConnectionFactory net) {
			net.setTcpNetConnectionSupport(new BlockingConnections());
		}
		factory.setConnectTimeout((int) Math.max(1, this.settings.connectTimeout().toSeconds()));
		configure(factory, true);
		factory.start();
		try {
			TcpConnection tcp = factory.getConnection();
			Connection connection = this.connections.get(tcp.getConnectionId());
			if (connection == null) {
				throw new IllegalStateException("connection to " + host + ":" + port + " closed at once");
			}
			return connection;
		}
		catch (RuntimeException | InterruptedException ex) {
			factory.stop();
			throw new TransportException("Cannot connect to " + host + ":" + port + ": " + rootMessage(ex), ex);
		}
	}

	/** Closes every connection and the server socket, then the I/O threads. */
	public void stop() {
		this.connections.values().forEach(Connection::close);
		if (this.server != null) {
			this.server.stop();
		}
		this.executor.shutdown(2000);
		this.scheduler.shutdown();
	}

	private void configure(AbstractConnectionFactory factory, boolean client) {
		factory.setSerializer(this.serializer);
		factory.setDeserializer(this.serializer);
		factory.setSoTcpNoDelay(true);
		factory.setLookupHost(false);
		factory.setTaskExecutor(this.executor);
		factory.setTaskScheduler(this.scheduler);
		factory.setApplicationEventPublisher(this.events);
		// frames are handed over by the mapper, in stream order (see InOrderDispatch); no message reaches a listener
		factory.setMapper(new InOrderDispatch());
		factory.registerListener(message -> {
		});
		factory.registerSender(new TcpSender() {

			@Override
			public void addNewConnection(TcpConnection tcp) {
				Connection connection = new Connection(tcp, client, () -> onClosed(tcp, client ? factory : null));
				// both connection supports make connections that hold theirs (see InOrderDispatch)
				((HoldsConnection) tcp).hold(connection);
				TcpTransport.this.connections.put(tcp.getConnectionId(), connection);
				TcpTransport.this.handler.opened(connection);
			}

			@Override
			public void removeDeadConnection(TcpConnection tcp) {
				Connection connection = TcpTransport.this.connections.get(tcp.getConnectionId());
				if (connection != null) {
					connection.markClosed();
				}
			}

		});
	}

	/**
	 * Hands each frame to the handler from inside Spring Integration's message mapping, which runs under the
	 * connection's read lock and in stream order. NIO connections hand mapped messages to listeners on several
	 * threads at once ("run another assembler to assemble the next message, while we send ours"), which
	 * reordered frames of one connection and raced on its decoder and handshake state; dispatching here keeps
	 * one connection's frames strictly sequential in both transport modes. The connection is the one the
	 * {@code TcpConnection} holds, not a lookup in {@link #connections}: NIO closes a connection on end of stream
	 * on another thread, which removes it from there, possibly before the bytes that came first are read here.
	 */
	private final class InOrderDispatch extends TcpMessageMapper {

		@Override
		public Message<?> toMessage(TcpConnection tcp, Map<String, Object> headers) {
			Connection connection = ((HoldsConnection) tcp).held();
			Object body;
			try {
				body = TcpTransport.this.serializer.read(tcp, frameLimit(connection));
			}
			catch (RuntimeException ex) {
				Throwable cause = (ex instanceof UncheckedIOException && ex.getCause() != null) ? ex.getCause() : ex;
				// a connection this node closed itself (to make room, say) ends its stream: not the peer's fault
				if (!connection.isClosedHere()
						&& (cause instanceof WireFormatException || cause instanceof EOFException)) {
					String peer = peer(tcp);
					TcpTransport.this.warnings.warn("bad frame", "Closing connection with {}: {}", peer,
							LogSafe.of(cause.getMessage()));
					TcpTransport.this.handler.rejected(peer, cause.getMessage());
				}
				// closed here, Spring Integration takes the failure (a bad frame, a reset, a truncated stream: the
				// peer's doing, not this node's fault) for a close and does not log it at ERROR
				tcp.close();
				throw ex;
			}
			if (body != null) {
				deliver(tcp, connection, (byte[]) body);
			}
			return null;
		}

		private int frameLimit(Connection connection) {
			return connection.isHandshakeCompleted() ? TcpTransport.this.settings.maxFrameBytes()
					: TcpTransport.this.settings.handshakeMaxFrameBytes();
		}

		/** A fault while handling one connection's frame ends that connection, not the thread others need. */
		private void deliver(TcpConnection tcp, Connection connection, byte[] body) {
			try {
				TcpTransport.this.handler.frameReceived(connection, body);
			}
			catch (Throwable ex) {
				TcpTransport.this.warnings.warn("handler failure", "Closing connection with {}: handling its frame failed",
						peer(tcp), ex);
				connection.close();
			}
		}

	}

	private void onClosed(TcpConnection tcp, AbstractConnectionFactory ownFactory) {
		Connection connection = this.connections.remove(tcp.getConnectionId());
		if (ownFactory != null) {
			// a client factory serves exactly one connection: free its threads with it (off this I/O thread,
			// unless the transport is shutting down and the pool takes no more work)
			try {
				this.executor.execute(ownFactory::stop);
			}
			catch (RejectedExecutionException ex) {
				ownFactory.stop();
			}
		}
		if (connection != null) {
			this.handler.closed(connection);
		}
	}

	/** A blocking connection found every I/O thread taken and was closed at once. */
	private void refused(TcpConnection tcp) {
		String peer = peer(tcp);
		this.warnings.warn("no thread", "Closed connection from {} at once: all {} I/O threads are busy", peer,
				this.settings.maxThreads());
		this.handler.refused(peer);
	}

	private static String peer(TcpConnection tcp) {
		return tcp.getHostAddress() + ":" + tcp.getPort();
	}

	private void onEvent(Object event) {
		if (event instanceof TcpConnectionExceptionEvent failure
				&& failure.getSource() instanceof TcpConnection tcp) {
			Throwable cause = failure.getCause();
			String peer = peer(tcp);
			// bad frames were logged by InOrderDispatch
			if (cause != null && !(cause instanceof java.net.SocketException) && !(cause instanceof WireFormatException)
					&& !(cause.getCause() instanceof WireFormatException)) {
				log.debug("Connection with {} failed: {}", peer, rootMessage(cause));
			}
		}
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

	/*
	 * Spring Integration's NIO factories close their selector before marking themselves inactive, so the
	 * selector thread logged "Selector closed" at ERROR, with a stack trace, at every stop and every closed
	 * outgoing connection; the blocking server's accept loop logged "Error on ServerSocket" the same way. These
	 * report inactive from the moment stop() begins. The servers also report inactive to their own thread when
	 * it asks before listening: that happens only when the bind failed, and Spring Integration would log the
	 * failure at ERROR with a stack trace; start() reports it once instead. One subclass per factory class, as
	 * Java has no mixins (their shared state is a ServerState); calling Spring Integration's setActive(false)
	 * early instead is not an option, its task executor lookup then fails while a read is still completing.
	 */

	/** The state both quiet servers keep: whether stop() began, which thread runs the server, whether bind failed. */
	private static final class ServerState {

		private volatile boolean stopping;

		private volatile Thread serverThread;

		private volatile boolean bindFailed;

		void starting() {
			this.stopping = false;
		}

		void stopping() {
			this.stopping = true;
		}

		void run(Runnable server) {
			this.serverThread = Thread.currentThread();
			try {
				server.run();
			}
			finally {
				this.serverThread = null;
			}
		}

		boolean isActive(boolean listening, boolean active) {
			if (!listening && !this.stopping && Thread.currentThread() == this.serverThread) {
				this.bindFailed = true;
				return false;
			}
			return !this.stopping && active;
		}

		boolean bindFailed() {
			return this.bindFailed;
		}

	}

	private static final class QuietNioServer extends TcpNioServerConnectionFactory {

		private final ServerState state;

		QuietNioServer(int port, ServerState state) {
			super(port);
			this.state = state;
		}

		@Override
		public void run() {
			this.state.run(super::run);
		}

		@Override
		protected boolean isActive() {
			return this.state.isActive(isListening(), super.isActive());
		}

		@Override
		public void start() {
			this.state.starting();
			super.start();
		}

		@Override
		public void stop() {
			this.state.stopping();
			super.stop();
		}

	}

	private static final class QuietNetServer extends TcpNetServerConnectionFactory {

		private final ServerState state;

		QuietNetServer(int port, ServerState state) {
			super(port);
			this.state = state;
		}

		@Override
		public void run() {
			this.state.run(super::run);
		}

		@Override
		protected boolean isActive() {
			return this.state.isActive(isListening(), super.isActive());
		}

		@Override
		public void start() {
			this.state.starting();
			super.start();
		}

		@Override
		public void stop() {
			this.state.stopping();
			super.stop();
		}

	}

	private static final class QuietNioClient extends TcpNioClientConnectionFactory {

		private volatile boolean stopping;

		QuietNioClient(String host, int port) {
			super(host, port);
		}

		@Override
		protected boolean isActive() {
			return !this.stopping && super.isActive();
		}

		@Override
		public void start() {
			this.stopping = false;
			super.start();
		}

		@Override
		public void stop() {
			this.stopping = true;
			super.stop();
		}

	}

}
