package io.chaski.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import io.chaski.files.FileSettings;
import io.chaski.membership.MembershipSettings;
import io.chaski.node.ChaskiNode;
import io.chaski.node.OverflowPolicy;
import io.chaski.node.PeerAddress;
import io.chaski.remote.RemoteSettings;
import io.chaski.security.ClusterSecret;
import io.chaski.storage.ReplicationSettings;
import io.chaski.storage.StorageSettings;
import io.chaski.streamer.DeliveryPolicy;
import io.chaski.streamer.StreamerSettings;
import io.chaski.transport.TransportMode;

/**
 * Configuration of the Chaski node, its streamer and its listeners (chaski.*). Values are checked
 * when the application starts: a bad value fails startup with the property's name.
 *
 * @param enabled Whether Chaski is auto-configured at all.
 * @param node Identity and listening address of this node.
 * @param discovery How this node finds the mesh.
 * @param transport TCP connections and frames.
 * @param keepAlive Keep-alive pings and latency measurement.
 * @param reconnect Reconnection to lost peers and to seeds that are not up yet.
 * @param queue The outbound queue of each peer.
 * @param streamer Topic publish/subscribe.
 * @param listener Methods annotated with ChaskiListener, functional consumers and message events.
 * @param security Who may join the mesh.
 * @param bindings Functional consumers: the name of a Consumer bean (of ChaskiMessage or of a payload type)
 * mapped to the topics it receives, e.g. chaski.bindings.alertLogger.topics=alerts.
 * @param files Files pushed to this node and from it (ChaskiStreamer.pushFile).
 * @param storage Key/value storage of this node (ChaskiStorage) in its own SQLite file.
 * @param remote Remote calls: ChaskiService beans and ChaskiRemote proxies.
 * @param membership Membership and failure detection (SWIM over UDP).
 */
@ConfigurationProperties("chaski")
@Validated
public record ChaskiProperties(@DefaultValue("true") boolean enabled, @Valid @DefaultValue Node node,
		@Valid @DefaultValue Discovery discovery, @Valid @DefaultValue Transport transport,
		@Valid @DefaultValue KeepAlive keepAlive, @Valid @DefaultValue Reconnect reconnect,
		@Valid @DefaultValue Queue queue, @Valid @DefaultValue Streamer streamer,
		@Valid @DefaultValue Listener listener, @Valid @DefaultValue Security security,
		Map<String, @Valid Binding> bindings, @Valid @DefaultValue Files files,
		@Valid @DefaultValue Storage storage, @Valid @DefaultValue Remote remote,
		@Valid @DefaultValue Membership membership) {

	/** Validates the components; see the record description. */
	public ChaskiProperties {
		bindings = (bindings != null) ? Map.copyOf(bindings) : Map.of();
	}

	/**
	 * Copies every setting onto a node builder.
	 * @param builder The builder.
	 * @param defaultName The name to use when chaski.node.name is not set.
	 */
	void applyTo(ChaskiNode.Builder builder, String defaultName) {
		builder.name((this.node.name() != null && !this.node.name().isBlank()) ? this.node.name() : defaultName)
			.bindHost(this.node.host())
			.port(this.node.port())
			.advertisedHost(this.node.advertisedHost())
			.subscriptions(this.node.subscriptions())
			.root(this.node.root())
			.idleTimeout(this.node.idleTimeout())
			.shutdownTimeout(this.node.shutdownTimeout())
			.maxConnections(this.node.maxConnections())
			.maxFrameBytes((int) this.transport.maxFrameSize().toBytes())
			.batchFrameBytes((int) this.transport.batchFrameSize().toBytes())
			.transportMode(this.transport.mode())
			.connectTimeout(this.transport.connectTimeout())
			.handshakeTimeout(this.transport.handshakeTimeout())
			.maxPeers(this.transport.maxPeers())
			.maxPendingConnections(this.transport.maxPendingConnections())
			.listenBacklog(this.transport.backlog())
			.handshakeMaxFrameBytes((int) this.transport.handshakeMaxFrameSize().toBytes())
			.clusterSecret(this.security.clusterSecret())
			.protectedMode(this.security.protectedMode())
			.keepAliveInterval(this.keepAlive.interval())
			.maxMissedPings(this.keepAlive.maxMissed())
			.pingTimeout(this.keepAlive.pingTimeout())
			.reconnectAttempts(this.reconnect.attempts())
			.reconnectBackoff(this.reconnect.initialBackoff(), this.reconnect.maxBackoff())
			.outboundQueueCapacity(this.queue.capacity())
			.overflowPolicy(this.queue.overflowPolicy())
			.sendTimeout(this.queue.sendTimeout());
	}

	/** @return the streamer settings these properties make */
	StreamerSettings streamerSettings() {
		return new StreamerSettings(this.streamer.hopLimit(), this.streamer.pool().size(),
				this.streamer.pool().origins(), this.streamer.pool().ttl(),
				this.streamer.subscriberQueueCapacity(), this.streamer.deliveryPolicy(), this.streamer.deliveryTimeout());
	}

	/** @return the file-transfer settings these properties make */
	FileSettings fileSettings() {
		return new FileSettings(this.files.enabled(), Path.of(this.files.directory()), this.files.maxSize().toBytes(),
				this.files.overwrite(), (int) this.files.chunkSize().toBytes(), (int) this.files.window().toBytes(),
				this.files.timeout(), this.files.maxTransfers(), this.files.threads(), this.files.resumeWindow());
	}

	/**
	 * Identity and listening address of this node.
	 *
	 * @param name Name shown to peers; defaults to spring.application.name, then chaski.
	 * @param host Address to listen on; 0.0.0.0 listens on every IPv4 interface, :: on every interface. Anything
	 * but loopback needs a cluster secret unless protected mode is off.
	 * @param port TCP port to listen on; 0 picks a free port (give nodes that others seed from a fixed one).
	 * @param advertisedHost Host other nodes should dial to reach this one (behind NAT or in containers); it
	 * must resolve. When not set: the listening address, or for 0.0.0.0 and :: the address of a network
	 * interface other than loopback.
	 * @param subscriptions Topics this node takes part in from the start, besides those of its listeners.
	 * @param root Whether this node relays every topic between the others.
	 * @param idleTimeout Close connections that no topic needs (with membership: that pairing did not choose)
	 * after this long without traffic (links made for the join, a state sync, a call or a file); 0 keeps them.
	 * @param shutdownTimeout How long shutdown waits to flush queued messages before leaving the mesh.
	 * @param maxConnections With membership, most members this node links to per topic it subscribes to or
	 * publishes to (its ring successor first, then the nearest); links other nodes open to it do not count.
	 */
	public record Node(String name, @DefaultValue("127.0.0.1") @NotBlank String host,
			@DefaultValue("0") @Min(0) @Max(65535) int port, String advertisedHost,
			@DefaultValue List<@NotBlank String> subscriptions, @DefaultValue("false") boolean root,
			@DefaultValue("60s") Duration idleTimeout, @DefaultValue("2s") Duration shutdownTimeout,
			@DefaultValue("5") @Min(1) @Max(1024) int maxConnections) {

		/** Validates the components; invalid values fail startup naming the property. */
		public Node {
			PropertyChecks.notNegative(idleTimeout, "chaski.node.idle-timeout");
			PropertyChecks.notNegative(shutdownTimeout, "chaski.node.shutdown-timeout");
		}

	}

	/**
	 * How this node finds the mesh.
	 *
	 * @param seeds Nodes to join the mesh through, as host:port or name@host:port; with membership on,
	 * dialled over TCP and asked over UDP in the background, with capped backoff and no give-up, so a seed that
	 * is down never fails startup and is joined whenever it comes up.
	 * @param multicast Zero-configuration discovery on a LAN through a multicast group (needs membership).
	 */
	public record Discovery(@DefaultValue List<String> seeds, @Valid @DefaultValue Multicast multicast) {

		/** Validates the components; invalid values fail startup naming the property. */
		public Discovery {
			for (String seed : seeds) {
				PropertyChecks.check(() -> PeerAddress.parse(seed), "chaski.discovery.seeds");
			}
		}

	}

	/**
	 * Multicast announce/listen: every member announces itself to a group on the local network and joins
	 * whoever it hears (docs/membership.md).
	 *
	 * @param enabled Whether the node announces itself to the multicast group and joins members it hears there.
	 * @param group Multicast group address (IPv4 organisation-local scope by default).
	 * @param port UDP port of the group, the same for every member of the mesh.
	 * @param interval Time between two announcements; the first goes at startup.
	 */
	public record Multicast(@DefaultValue("false") boolean enabled, @DefaultValue("239.255.77.77") String group,
			@DefaultValue("7447") @Min(1) @Max(65535) int port, @DefaultValue("10s") Duration interval) {

		/** Validates the components; invalid values fail startup naming the property. */
		public Multicast {
			PropertyChecks.require(isMulticast(group), "chaski.discovery.multicast.group",
					"must be a multicast address, such as 239.255.77.77");
			PropertyChecks.positive(interval, "chaski.discovery.multicast.interval");
		}

		private static boolean isMulticast(String group) {
			try {
				return InetAddress.getByName(group).isMulticastAddress();
			}
			catch (UnknownHostException ex) {
				return false;
			}
		}

	}

	/**
	 * TCP connections and frames.
	 *
	 * @param maxFrameSize Largest frame sent or accepted; a peer sending a larger one is disconnected.
	 * @param batchFrameSize Frame size at which the writer stops batching small messages and sends.
	 * @param mode Blocking sockets, a reader thread per connection (fastest for the few dozen peers a node keeps),
	 * or NIO sockets, a selector for all (for hubs with very many peers; slower per connection).
	 * @param connectTimeout Limit for opening a TCP connection.
	 * @param handshakeTimeout Limit for the handshake after a TCP connection opened.
	 * @param maxPeers Most peers connected at once; further handshakes are refused.
	 * @param maxPendingConnections Most connections awaiting their handshake at once; when a new one arrives
	 * beyond that, the oldest waiting one is closed.
	 * @param backlog Listen backlog of the server socket: connections the operating system queues before they
	 * are accepted.
	 * @param handshakeMaxFrameSize Largest frame accepted on a connection before its handshake is complete.
	 */
	public record Transport(@DefaultValue("4MB") DataSize maxFrameSize, @DefaultValue("64KB") DataSize batchFrameSize,
			@DefaultValue("blocking") @NotNull TransportMode mode, @DefaultValue("5s") Duration connectTimeout,
			@DefaultValue("5s") Duration handshakeTimeout, @DefaultValue("1024") @Min(1) int maxPeers,
			@DefaultValue("64") @Min(1) int maxPendingConnections, @DefaultValue("256") @Min(1) int backlog,
			@DefaultValue("16KB") DataSize handshakeMaxFrameSize) {

		/** Validates the components; invalid values fail startup naming the property. */
		public Transport {
			PropertyChecks.between(maxFrameSize, DataSize.ofKilobytes(1), DataSize.ofBytes(Integer.MAX_VALUE - 8),
					"chaski.transport.max-frame-size");
			PropertyChecks.between(batchFrameSize, DataSize.ofBytes(256), maxFrameSize,
					"chaski.transport.batch-frame-size");
			PropertyChecks.positive(connectTimeout, "chaski.transport.connect-timeout");
			PropertyChecks.positive(handshakeTimeout, "chaski.transport.handshake-timeout");
			PropertyChecks.between(handshakeMaxFrameSize, DataSize.ofKilobytes(1), maxFrameSize,
					"chaski.transport.handshake-max-frame-size");
		}

	}

	/**
	 * Keep-alive pings, which also measure each peer's latency.
	 *
	 * @param interval Time between pings to each peer; 0 disables them (and latency measurement).
	 * @param maxMissed Unanswered pings in a row after which a peer is disconnected.
	 * @param pingTimeout Limit for an explicit ping.
	 */
	public record KeepAlive(@DefaultValue("5s") Duration interval, @DefaultValue("3") @Min(1) int maxMissed,
			@DefaultValue("5s") Duration pingTimeout) {

		/** Validates the components; invalid values fail startup naming the property. */
		public KeepAlive {
			PropertyChecks.notNegative(interval, "chaski.keep-alive.interval");
			PropertyChecks.positive(pingTimeout, "chaski.keep-alive.ping-timeout");
		}

	}

	/**
	 * Reconnection to lost peers (exponential backoff with jitter); the backoff also paces the seed and member
	 * dials of membership, which have no budget.
	 *
	 * @param attempts Reconnection attempts to a lost peer before giving up, without membership; 0 disables
	 * reconnection. With membership, seeds and the alive members pairing chooses are dialled without a budget
	 * instead.
	 * @param initialBackoff Delay before the first attempt; doubles at each attempt.
	 * @param maxBackoff Longest delay between two attempts.
	 */
	public record Reconnect(@DefaultValue("10") @Min(0) int attempts, @DefaultValue("500ms") Duration initialBackoff,
			@DefaultValue("30s") Duration maxBackoff) {

		/** Validates the components; invalid values fail startup naming the property. */
		public Reconnect {
			PropertyChecks.positive(initialBackoff, "chaski.reconnect.initial-backoff");
			PropertyChecks.positive(maxBackoff, "chaski.reconnect.max-backoff");
			PropertyChecks.require(maxBackoff.compareTo(initialBackoff) >= 0, "chaski.reconnect.max-backoff",
					"must not be shorter than chaski.reconnect.initial-backoff (" + initialBackoff + ")");
		}

	}

	/**
	 * The outbound queue of each peer.
	 *
	 * @param capacity Messages queued per peer before the overflow policy applies.
	 * @param overflowPolicy What a full queue does: wait up to the send timeout, drop the oldest message, or
	 * fail the publish at once.
	 * @param sendTimeout How long the wait policy waits for space before failing the publish.
	 */
	public record Queue(@DefaultValue("65536") @Min(1) int capacity,
			@DefaultValue("wait") @NotNull OverflowPolicy overflowPolicy, @DefaultValue("5s") Duration sendTimeout) {

		/** Validates the components; invalid values fail startup naming the property. */
		public Queue {
			PropertyChecks.positive(sendTimeout, "chaski.queue.send-timeout");
		}

	}

	/**
	 * Topic publish/subscribe.
	 *
	 * @param hopLimit Hops a published message may travel through the mesh (1 = direct peers only).
	 * @param pool The pool of recently seen message ids that drops duplicates.
	 * @param subscriberQueueCapacity Messages buffered per subscription (and per listener topic); when full,
	 * the delivery policy applies.
	 * @param deliveryPolicy What a full subscription buffer does, for subscriptions made with
	 * ChaskiStreamer.subscribe: wait (lossless: the node stops reading the link until there is room, so
	 * publishers slow down), drop-oldest or drop-newest (counted).
	 * @param deliveryTimeout How long the wait policy holds a link for a full subscription or listener (and a relay
	 * for a full peer queue) before dropping the message for it (counted); keep it above the send timeout and
	 * below the keep-alive failure detection time.
	 */
	public record Streamer(@DefaultValue("16") @Min(1) @Max(255) int hopLimit, @Valid @DefaultValue Pool pool,
			@DefaultValue("10000") @Min(1) int subscriberQueueCapacity,
			@DefaultValue("wait") @NotNull DeliveryPolicy deliveryPolicy,
			@DefaultValue("10s") Duration deliveryTimeout) {

		/** Validates the components; invalid values fail startup naming the property. */
		public Streamer {
			PropertyChecks.positive(deliveryTimeout, "chaski.streamer.delivery-timeout");
		}

	}

	/**
	 * The pool of recently seen message ids: a window of recent ids per origin node.
	 *
	 * @param size How many recent ids it remembers per origin node; a message older than that is dropped.
	 * @param origins How many origin nodes it remembers.
	 * @param ttl How long it remembers an origin after its last message; should exceed the time a message
	 * takes to cross the mesh.
	 */
	public record Pool(@DefaultValue("65536") @Min(64) @Max(16777216) int size,
			@DefaultValue("10000") @Min(1) int origins, @DefaultValue("60s") Duration ttl) {

		/** Validates the components; invalid values fail startup naming the property. */
		public Pool {
			PropertyChecks.positive(ttl, "chaski.streamer.pool.ttl");
		}

	}

	/**
	 * Methods annotated with ChaskiListener, functional consumers and message events.
	 *
	 * @param concurrency Threads that invoke each listener for each of its topics, unless the listener sets
	 * its own; 1 keeps messages in order.
	 * @param events Whether every received message is also published as a ChaskiMessageEvent.
	 * @param deliveryPolicy What a listener that falls behind does when its buffer is full, unless the
	 * listener sets its own: wait (lossless: back-pressure to the publishers, bounded by
	 * chaski.streamer.delivery-timeout), drop-oldest or drop-newest (counted).
	 */
	public record Listener(@DefaultValue("1") @Min(1) @Max(256) int concurrency,
			@DefaultValue("true") boolean events, @DefaultValue("wait") @NotNull DeliveryPolicy deliveryPolicy) {
	}

	/**
	 * Who may join the mesh.
	 *
	 * @param clusterSecret Secret every member must prove in the handshake (HMAC-SHA256 challenge-response,
	 * never sent itself); at least 16 characters. Without it, anyone who reaches the port can join.
	 * @param protectedMode Whether a node listening on a non-loopback address without a cluster secret refuses
	 * to start; set to false to run an open mesh on purpose.
	 */
	public record Security(String clusterSecret, @DefaultValue("true") boolean protectedMode) {

		/** Validates the components; invalid values fail startup naming the property. */
		public Security {
			PropertyChecks.require(clusterSecret == null || clusterSecret.isEmpty()
					|| clusterSecret.length() >= ClusterSecret.MIN_LENGTH, "chaski.security.cluster-secret",
					"must be at least " + ClusterSecret.MIN_LENGTH + " characters long");
		}

		@Override
		public String toString() {
			return "Security[clusterSecret=" + ((this.clusterSecret != null) ? "******" : "none") + ", protectedMode="
					+ this.protectedMode + "]";
		}

	}

	/**
	 * Binds a Consumer bean (of ChaskiMessage or of a payload type) to topics.
	 *
	 * @param topics Topics the consumer receives.
	 * @param concurrency Threads per topic; defaults to chaski.listener.concurrency.
	 */
	public record Binding(@NotEmpty List<@NotBlank String> topics, @Min(1) @Max(256) Integer concurrency) {
	}

	/**
	 * Files pushed to this node and from it.
	 *
	 * @param enabled Whether this node accepts files pushed to its topics; off, every offer is refused and
	 * nothing is written.
	 * @param directory Directory received files are written to (created when needed); names from peers never
	 * leave it.
	 * @param maxSize Largest file accepted; a larger offer is refused before any byte is written.
	 * @param overwrite Whether a received file may replace an existing file of the same name.
	 * @param chunkSize Data per chunk sent; capped at half the maximum frame size.
	 * @param window Bytes a sender may have in flight per transfer before this node grants more; bounds the
	 * memory each transfer takes.
	 * @param timeout How long a transfer waits for the other side to make progress before it fails.
	 * @param maxTransfers Most files received at once, and most pushes under way at once; more are refused.
	 * @param threads Threads that read and write files, shared by every transfer.
	 * @param resumeWindow How long a receiver keeps the partial file of an interrupted transfer, so that the same
	 * file pushed again by the same node (by name) goes on where it stopped, even after either node restarted;
	 * older partial files are deleted; 0 deletes them at once; at most 365 days.
	 */
	public record Files(@DefaultValue("false") boolean enabled, @DefaultValue("chaski-files") @NotBlank String directory,
			@DefaultValue("1GB") DataSize maxSize, @DefaultValue("false") boolean overwrite,
			@DefaultValue("256KB") DataSize chunkSize, @DefaultValue("4MB") DataSize window,
			@DefaultValue("30s") Duration timeout, @DefaultValue("16") @Min(1) @Max(1024) int maxTransfers,
			@DefaultValue("4") @Min(1) @Max(64) int threads, @DefaultValue("1h") Duration resumeWindow) {

		/** Validates the components; invalid values fail startup naming the property. */
		public Files {
			PropertyChecks.positive(timeout, "chaski.files.timeout");
			PropertyChecks.require(maxSize.toBytes() >= 0, "chaski.files.max-size", "must not be negative");
			PropertyChecks.require(chunkSize.toBytes() >= 4096 && chunkSize.toBytes() <= 16 * 1024 * 1024,
					"chaski.files.chunk-size", "must be between 4KB and 16MB");
			PropertyChecks.require(window.toBytes() >= chunkSize.toBytes() && window.toBytes() <= Integer.MAX_VALUE,
					"chaski.files.window", "must be at least the chunk size and below 2GB");
			PropertyChecks.notNegative(resumeWindow, "chaski.files.resume-window");
			PropertyChecks.require(resumeWindow.compareTo(FileSettings.MAX_RESUME_WINDOW) <= 0,
					"chaski.files.resume-window", "must be at most 365 days");
		}

	}

	/**
	 * Key/value storage of this node (ChaskiStorage) in its own SQLite file, beside (never instead of) the
	 * application's own database.
	 *
	 * @param enabled Whether the ChaskiStorage bean is created.
	 * @param path The SQLite file; defaults to chaski-data/NODE-NAME.db under the working directory.
	 * @param defaultTtl Time to live of put(key, value); 0 keeps values until they are deleted.
	 * @param fetchTimeout How long fetch and claim wait for the peers' answers, and a holder for a claimer's
	 * acknowledgement.
	 * @param busyTimeout How long SQLite waits for a lock held by another process (a backup, a CLI).
	 * @param purgeInterval Time between sweeps that delete expired keys; 0 disables the sweep (reads still delete
	 * the expired keys they meet).
	 * @param maxKeyLength Longest key, in characters.
	 * @param maxValueSize Largest value once encoded; peers can fetch it only if it fits a frame
	 * (chaski.transport.max-frame-size).
	 * @param maxPendingRequests Most fetches and claims this node waits for at once, and most keys it holds for
	 * claimers at once.
	 * @param requestQueueCapacity Most peer storage requests queued for the storage threads; more are dropped and
	 * counted (the asker times out).
	 * @param replication Replication of the keys between the replicating members.
	 */
	public record Storage(@DefaultValue("false") boolean enabled, Path path, @DefaultValue("1h") Duration defaultTtl,
			@DefaultValue("2s") Duration fetchTimeout, @DefaultValue("5s") Duration busyTimeout,
			@DefaultValue("1m") Duration purgeInterval, @DefaultValue("512") @Min(1) int maxKeyLength,
			@DefaultValue("1MB") DataSize maxValueSize, @DefaultValue("1024") @Min(1) int maxPendingRequests,
			@DefaultValue("1024") @Min(1) int requestQueueCapacity, @Valid @DefaultValue Replication replication) {

		/** Validates the components; invalid values fail startup naming the property. */
		public Storage {
			PropertyChecks.require(maxValueSize.toBytes() >= 1 && maxValueSize.toBytes() <= Integer.MAX_VALUE,
					"chaski.storage.max-value-size", "must be 1B..2GB");
			PropertyChecks.require(!fetchTimeout.isNegative() && !fetchTimeout.isZero(),
					"chaski.storage.fetch-timeout", "must be positive");
		}

		/**
		 * @param nodeName the node's name, which names the default file
		 * @return the engine's settings
		 */
		StorageSettings settings(String nodeName) {
			Path file = (this.path != null) ? this.path
					: Path.of("chaski-data", nodeName.replaceAll("[^A-Za-z0-9._-]", "_") + ".db");
			return new StorageSettings(file, this.defaultTtl, this.fetchTimeout, this.busyTimeout, this.purgeInterval,
					this.maxKeyLength, (int) this.maxValueSize.toBytes(), this.maxPendingRequests,
					this.requestQueueCapacity, this.replication.settings());
		}

	}

	/**
	 * Replication of the storage between the members that enable it: last writer wins on a hybrid logical clock,
	 * deletes as tombstones, digest anti-entropy.
	 *
	 * @param enabled Whether this node's storage replicates with the other replicating members (every write reaches
	 * them, theirs come here).
	 * @param tombstoneTtl How long a deleted key is remembered so that an older write cannot bring it back; a node
	 * away for longer may bring deleted keys back.
	 * @param antiEntropyInterval Time between digest comparisons with each replicating peer (one also runs when a
	 * link to one opens).
	 * @param maxClockSkew How far ahead of this node's clock a peer's write may be stamped; later ones are refused
	 * (counted) until the clock has caught up.
	 * @param maxKeysPerMessage Most keys in one replication message (writes, versions, wants).
	 * @param pushQueueCapacity Writes waiting to be pushed to the replicating peers; when full, further writes wait
	 * for anti-entropy (counted).
	 */
	public record Replication(@DefaultValue("false") boolean enabled, @DefaultValue("24h") Duration tombstoneTtl,
			@DefaultValue("30s") Duration antiEntropyInterval, @DefaultValue("1m") Duration maxClockSkew,
			@DefaultValue("1024") @Min(1) @Max(65535) int maxKeysPerMessage,
			@DefaultValue("10000") @Min(1) int pushQueueCapacity) {

		/** Validates the components; invalid values fail startup naming the property. */
		public Replication {
			PropertyChecks.positive(tombstoneTtl, "chaski.storage.replication.tombstone-ttl");
			PropertyChecks.require(antiEntropyInterval.toMillis() >= 1,
					"chaski.storage.replication.anti-entropy-interval", "must be at least 1ms");
			PropertyChecks.require(!maxClockSkew.isNegative(), "chaski.storage.replication.max-clock-skew",
					"must not be negative");
		}

		ReplicationSettings settings() {
			return new ReplicationSettings(this.enabled, this.tombstoneTtl, this.antiEntropyInterval,
					this.maxClockSkew, this.maxKeysPerMessage, this.pushQueueCapacity);
		}

	}

	/**
	 * Remote calls: ChaskiService beans and ChaskiRemote proxies.
	 *
	 * @param timeout How long a remote call waits for its answer, unless its ChaskiRemote annotation sets its own
	 * timeout; then it fails with ChaskiTimeoutException.
	 * @param threads Threads that run the calls peers make to this node's services.
	 * @param queueCapacity Calls from peers that may wait for a free thread; further calls are answered busy.
	 * @param maxPendingCalls Calls this node may have in flight as a caller; further calls fail at once.
	 */
	public record Remote(@DefaultValue("10s") Duration timeout, @DefaultValue("32") @Min(1) @Max(4096) int threads,
			@DefaultValue("1024") @Min(1) int queueCapacity, @DefaultValue("65536") @Min(1) int maxPendingCalls) {

		/** Validates the components; invalid values fail startup naming the property. */
		public Remote {
			PropertyChecks.positive(timeout, "chaski.remote.timeout");
		}

		/**
		 * @param virtualThreads whether provider threads should be virtual (spring.threads.virtual.enabled)
		 * @return the engine's settings
		 */
		public RemoteSettings settings(boolean virtualThreads) {
			return new RemoteSettings(this.timeout, this.threads, this.queueCapacity, this.maxPendingCalls,
					virtualThreads);
		}

	}

	/**
	 * Membership and failure detection: SWIM over UDP with gossip (docs/membership.md).
	 *
	 * @param enabled Whether the node runs membership: members that share a topic are linked, and linked again
	 * after any outage.
	 * @param port UDP port of membership; 0 uses the node's TCP port number (then seeds name node ports).
	 * @param probeInterval Time between two probes of this node, one member each.
	 * @param probeTimeout How long a direct ping waits for its ack before other members are asked to probe.
	 * @param indirectChecks Members asked to probe a member that missed its direct ping.
	 * @param suspicionMultiplier Shortest suspicion timeout, as this times log10(members) times the probe
	 * interval.
	 * @param suspicionMaxMultiplier Longest suspicion timeout, as a multiple of the shortest; confirmations by
	 * other members shorten it.
	 * @param retransmitMultiplier Each member update is piggybacked this times ceil(log10(members + 1)) times.
	 * @param gossipInterval Time between gossip packets to random members.
	 * @param gossipNodes Members each gossip packet goes to.
	 * @param pushPullInterval Time between full member-list exchanges with a random member.
	 * @param deadRetention How long dead and left members are re-probed (with backoff) before they are
	 * forgotten.
	 * @param reprobeMaxBackoff Longest delay between two re-probes of a dead member.
	 * @param joinMaxBackoff Longest delay between two join attempts through the seeds; attempts never stop while
	 * no other member is alive.
	 * @param maxPacketSize Largest membership packet sent or accepted, in bytes; below the network's MTU.
	 */
	public record Membership(@DefaultValue("true") boolean enabled, @DefaultValue("0") @Min(0) @Max(65535) int port,
			@DefaultValue("1s") Duration probeInterval, @DefaultValue("500ms") Duration probeTimeout,
			@DefaultValue("3") int indirectChecks, @DefaultValue("4") int suspicionMultiplier,
			@DefaultValue("6") int suspicionMaxMultiplier, @DefaultValue("4") int retransmitMultiplier,
			@DefaultValue("200ms") Duration gossipInterval, @DefaultValue("3") int gossipNodes,
			@DefaultValue("30s") Duration pushPullInterval, @DefaultValue("1h") Duration deadRetention,
			@DefaultValue("30s") Duration reprobeMaxBackoff, @DefaultValue("30s") Duration joinMaxBackoff,
			@DefaultValue("1400") int maxPacketSize) {

		/** Validates the components together; invalid values fail startup naming the property. */
		public Membership {
			PropertyChecks.check(() -> new MembershipSettings(probeInterval, probeTimeout, indirectChecks,
					suspicionMultiplier, suspicionMaxMultiplier, retransmitMultiplier, gossipInterval, gossipNodes,
					pushPullInterval, deadRetention, reprobeMaxBackoff, joinMaxBackoff, maxPacketSize),
					"chaski.membership");
		}

		/** @return the engine's settings */
		public MembershipSettings settings() {
			return new MembershipSettings(this.probeInterval, this.probeTimeout, this.indirectChecks,
					this.suspicionMultiplier, this.suspicionMaxMultiplier, this.retransmitMultiplier,
					this.gossipInterval, this.gossipNodes, this.pushPullInterval, this.deadRetention,
					this.reprobeMaxBackoff, this.joinMaxBackoff, this.maxPacketSize);
		}

	}

}
