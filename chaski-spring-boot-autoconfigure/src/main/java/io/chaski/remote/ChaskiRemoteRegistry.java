package io.chaski.remote;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.membership.MemberEvent;
import io.chaski.membership.MembershipListener;
import io.chaski.node.ChaskiNode;
import io.chaski.node.Edge;
import io.chaski.node.NodeListener;
import io.chaski.node.PeerInfo;
import io.chaski.support.IoThreads;
import io.chaski.support.LogSafe;
import io.chaski.support.RateLimitedLog;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.PayloadCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Remote invocation on a node: {@link #register exports} objects under a service name so that peers can call
 * the methods of one interface (nothing else: deny by default), and makes {@link #proxy proxies} that call the
 * services peers offer. Providers are learnt from membership (a node's exported services are in its member
 * metadata; add the registry to the membership's listeners) and from a SERVICES envelope each linked peer sends
 * after the handshake and on every change (peers without membership); a caller links to a provider it learnt from
 * membership on demand. Every call has a timeout; calls run on the provider on a bounded executor, off the I/O
 * threads. Works without Spring; close it before its node.
 */
public final class ChaskiRemoteRegistry implements AutoCloseable, MembershipListener {

	private static final Logger log = LoggerFactory.getLogger(ChaskiRemoteRegistry.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ChaskiNode node;

	private final RemoteSettings settings;

	private final List<RemoteObserver> observers = new CopyOnWriteArrayList<>();

	private final ServiceDirectory directory = new ServiceDirectory();

	private final CallRunner runner;

	private final Caller caller;

	private final ScheduledThreadPoolExecutor timer;

	private final ThreadPoolExecutor callbacks;

	private final RateLimitedLog warnings = new RateLimitedLog(log);

	/**
	 * Attaches remote calls to a node (started or not).
	 * @param node the node
	 * @param codec encodes arguments and results
	 * @param settings timeouts and limits
	 */
	public ChaskiRemoteRegistry(ChaskiNode node, PayloadCodec codec, RemoteSettings settings) {
		this.node = node;
		this.settings = settings;
		this.timer = new ScheduledThreadPoolExecutor(1, IoThreads.factory(node.name() + "-remote-timer-"));
		this.timer.setRemoveOnCancelPolicy(true);
		// completes async callers' futures and runs failovers; when it is full the I/O thread does it itself
		this.callbacks = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(65_536),
				IoThreads.factory(node.name() + "-remote-callback-"), new ThreadPoolExecutor.CallerRunsPolicy());
		this.callbacks.allowCoreThreadTimeOut(true);
		this.runner = new CallRunner(node, codec, settings, this.observers);
		this.caller = new Caller(node, codec, settings, this.directory, this.observers, this.timer, this.callbacks);
		node.registerHandler(EnvelopeKind.SERVICES, this::onServices);
		node.registerHandler(EnvelopeKind.CALL, this.runner);
		node.registerHandler(EnvelopeKind.RESULT, this.caller);
		node.registerHandler(EnvelopeKind.CALL_FAILED, this.caller::onFailed);
		node.addListener(new NodeListener() {

			@Override
			public void peerConnected(PeerInfo peer) {
				announceTo(peer.nodeId());
			}

			@Override
			public void peerDisconnected(PeerInfo peer, boolean graceful) {
				ChaskiRemoteRegistry.this.directory.remove(peer.nodeId());
				ChaskiRemoteRegistry.this.caller.peerLeft(peer.nodeId(), peer.name());
			}

		});
	}

	/**
	 * Exports an object: peers may call the methods of {@code type}, and only those.
	 * @param name the service name (1..256 characters), unique on this node
	 * @param service the object that runs the calls
	 * @param type the interface to export, implemented by {@code service}
	 * @param <T> the interface
	 * @throws IllegalArgumentException if the name is invalid, {@code type} is not an interface or
	 * {@code service} does not implement it
	 * @throws IllegalStateException if the name is taken
	 */
	public <T> void register(String name, T service, Class<T> type) {
		register(name, service, List.of(type));
	}

	/**
	 * Exports an object under one name with several interfaces: peers may call their methods, and only those.
	 * @param name the service name (1..256 characters), unique on this node
	 * @param service the object that runs the calls
	 * @param types the interfaces to export, each implemented by {@code service}
	 * @throws IllegalArgumentException if the name is invalid, a type is not an interface or not implemented
	 * @throws IllegalStateException if the name is taken
	 */
	public void register(String name, Object service, Collection<Class<?>> types) {
		if (this.runner.names().size() >= ServiceNames.MAX_PER_PEER) {
			// member metadata and SERVICES carry at most this many: refuse rather than leave some unannounced
			throw new IllegalStateException("node " + this.node.name() + " exports " + ServiceNames.MAX_PER_PEER
					+ " services already, the most a node may announce");
		}
		this.runner.register(ExportedService.of(name, service, List.copyOf(types)));
		this.node.exportServices(this.runner.names());
		this.node.edges().forEach(this::announce);
	}

	/**
	 * A proxy that calls a service on the peers with the default timeout. Calls fail with
	 * {@link ChaskiServiceUnavailableException} at once while no connected peer offers it.
	 * @param name the service name
	 * @param type the interface the service exports
	 * @param <T> the interface
	 * @return the proxy
	 */
	public <T> T proxy(String name, Class<T> type) {
		return proxy(name, type, this.settings.timeout());
	}

	/**
	 * A proxy that calls a service on the peers.
	 * @param name the service name
	 * @param type the interface the service exports
	 * @param timeout how long each call waits for its answer
	 * @param <T> the interface
	 * @return the proxy
	 */
	public <T> T proxy(String name, Class<T> type, Duration timeout) {
		ServiceNames.require(name);
		Signatures.callable(type); // an interface, or fail now rather than at the first call
		new RemoteSettings(timeout, 1, 1, 1, false); // validates the timeout
		return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
				new RemoteProxy(name, type, timeout, this.caller)));
	}

	/**
	 * Waits until a node offers the service (learnt from membership or from a linked peer) and answers a ping,
	 * linking to it if need be.
	 * @param name the service name
	 * @param timeout longest wait
	 * @return the provider that answered
	 * @throws ChaskiServiceUnavailableException if none did in time
	 */
	public PeerInfo awaitProvider(String name, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
				for (ServiceDirectory.Provider provider : this.directory.providers(name)) {
					PeerInfo answered = answers(provider, deadline);
					if (answered != null) {
						return answered;
					}
				}
				// capped: a change between the look and the wait would otherwise be missed
				this.directory.awaitChange(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		throw new ChaskiServiceUnavailableException("no node offers the service '" + LogSafe.of(name)
				+ "' and answers within " + timeout.toMillis() + " ms");
	}

	/** @return the provider, linked and answering a ping before the deadline, or {@code null} */
	private PeerInfo answers(ServiceDirectory.Provider provider, long deadline) throws InterruptedException {
		try {
			PeerInfo peer = this.node.peer(provider.id()).orElse(null);
			if (peer == null) {
				peer = this.node.connect(provider.host(), provider.port())
					.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			if (!peer.nodeId().equals(provider.id())) {
				return null; // another process at that address now
			}
			this.node.ping(peer.nodeId(), 0).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			return peer;
		}
		catch (ExecutionException | TimeoutException ex) {
			return null;
		}
	}

	/** @return the services this node exports, by name, with the names of their interfaces */
	public Map<String, List<String>> localServices() {
		return this.runner.services();
	}

	/** @return the services each member (or linked peer without membership) offers, by its name */
	public Map<String, Set<String>> remoteServices() {
		return this.directory.byName();
	}

	/**
	 * Learns providers from membership: alive members whose metadata lists services; a member that is dead or
	 * left is dropped at once, and the calls waiting for a dead one fail (or move on, when idempotent).
	 * @param event a membership change
	 */
	@Override
	public void memberChanged(MemberEvent event) {
		this.directory.memberChanged(event);
		if (event.type() == MemberEvent.Type.DEAD) {
			// a dead process answers nothing: its calls need not wait for the link to time out
			this.caller.providerLost(event.member().id(), event.member().name(), "was declared dead");
		}
	}

	/** @return calls this node made that await their answer */
	public int pendingCalls() {
		return this.caller.pendingCalls();
	}

	/** @return calls from peers this node is running or has queued */
	public int servingCalls() {
		return this.runner.inFlight();
	}

	/** @return the settings */
	public RemoteSettings settings() {
		return this.settings;
	}

	/** @param observer told about every call that ends, on both sides */
	public void addObserver(RemoteObserver observer) {
		this.observers.add(observer);
	}

	private void announceTo(UUID peer) {
		for (Edge edge : this.node.edges()) {
			if (edge.nodeId().equals(peer)) {
				announce(edge);
			}
		}
	}

	private void announce(Edge edge) {
		Set<String> names = this.runner.names();
		if (!names.isEmpty()) {
			edge.offer(Envelope.control(EnvelopeKind.SERVICES, this.node.id(), this.node.nextMessageId(),
					JSON.writeValueAsBytes(names)));
		}
	}

	/** A peer's complete set of services; a malformed one is ignored (the peer keeps what it had). */
	private void onServices(Edge from, Envelope envelope) {
		Set<String> services;
		try {
			services = JSON.readValue(envelope.payload(), new TypeReference<Set<String>>() {
			});
		}
		catch (JacksonException ex) {
			services = null;
		}
		if (!ServiceNames.valid(services)) {
			this.warnings.warn("services", "Node {} ignores a malformed SERVICES announcement from {}",
					this.node.name(), from);
			return;
		}
		this.directory.update(from.nodeId(), from.name(), from.info().address().host(), from.info().address().port(),
				services);
	}

	/** Stops running calls for peers and fails the calls this node still waits for. */
	@Override
	public void close() {
		this.runner.close();
		this.caller.close("the remote registry of node " + this.node.name() + " closed");
		this.timer.shutdownNow();
		this.callbacks.shutdown(); // the futures of the calls failed above still complete
	}

}
