package io.chaski.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import io.chaski.annotation.ChaskiListenerRegistry;
import io.chaski.annotation.ListenerContainer;
import io.chaski.files.TransferInfo;
import io.chaski.membership.Member;
import io.chaski.membership.MemberMetadata;
import io.chaski.node.ChaskiNode;
import io.chaski.node.NodeStats;
import io.chaski.node.PeerAddress;
import io.chaski.node.PeerInfo;
import io.chaski.remote.ChaskiRemoteRegistry;
import io.chaski.storage.ChaskiStorage;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.DeliveryPolicy;
import io.chaski.streamer.StreamerSettings;
import io.chaski.streamer.StreamerStats;

/**
 * The {@code chaski} actuator endpoint: the node, its peers with latency and jitter, subscriptions, the message
 * pool, queues, traffic, listeners and members.
 */
@Endpoint(id = "chaski")
public class ChaskiEndpoint {

	private final ChaskiNode node;

	private final ChaskiStreamer streamer;

	private final ObjectProvider<ChaskiListenerRegistry> listeners;

	private final ObjectProvider<ChaskiStorage> storage;

	private final ObjectProvider<ChaskiRemoteRegistry> remote;

	private final ObjectProvider<ChaskiMembership> membership;

	/**
	 * @param node the node
	 * @param streamer its streamer (the pool limits are read from it)
	 * @param listeners the listeners, if any
	 * @param storage the node's storage, if enabled
	 * @param remote the remote-call registry, if any
	 */
	public ChaskiEndpoint(ChaskiNode node, ChaskiStreamer streamer, ObjectProvider<ChaskiListenerRegistry> listeners,
			ObjectProvider<ChaskiStorage> storage, ObjectProvider<ChaskiRemoteRegistry> remote,
			ObjectProvider<ChaskiMembership> membership) {
		this.node = node;
		this.streamer = streamer;
		this.listeners = listeners;
		this.storage = storage;
		this.remote = remote;
		this.membership = membership;
	}

	/** @return a snapshot of the node */
	@ReadOperation
	public ChaskiReport report() {
		List<PeerInfo> peers = this.node.peers();
		StreamerStats stats = this.streamer.stats();
		NodeStats traffic = this.node.stats();
		PeerAddress address = this.node.address();
		List<ListenerContainer> containers = this.listeners.stream()
			.flatMap(registry -> registry.containers().stream())
			.toList();
		return new ChaskiReport(
				new NodeReport(this.node.id(), this.node.name(), (address != null) ? address.hostAndPort() : null,
						this.node.isRoot(), this.node.isRunning()),
				peers.stream().sorted(Comparator.comparing(PeerInfo::name)).map(PeerReport::of).toList(),
				new TreeSet<>(this.node.subscriptions()),
				PoolReport.of(stats, this.streamer.settings()),
				new QueueReport(peers.stream().mapToLong(PeerInfo::queuedMessages).sum(),
						peers.stream().mapToLong(PeerInfo::droppedMessages).sum(), stats.backlog(),
						stats.subscriberDrops()),
				new TrafficReport(stats.published(), stats.received(), stats.relayed(), traffic.bytesIn(),
						traffic.bytesOut(), traffic.framesIn(), traffic.framesOut(), traffic.rejectedConnections(),
						traffic.evictedPendingConnections(), traffic.refusedConnections(),
						traffic.authenticationFailures(), traffic.peerLimitRefusals(), traffic.reconnects()),
				containers.stream().map(ListenerReport::of).toList(), this.streamer.files().active(),
				this.storage.stream().findFirst().map(StorageReport::of).orElse(null),
				this.remote.stream().findFirst().map(ServicesReport::of).orElse(null), members());
	}

	private List<MemberReport> members() {
		if (this.membership == null) {
			return List.of();
		}
		return this.membership.stream()
			.flatMap(bean -> bean.membership().stream())
			.flatMap(running -> running.members().stream())
			.sorted(Comparator.comparing(Member::name))
			.map(MemberReport::of)
			.toList();
	}

	/**
	 * Everything the endpoint shows.
	 * @param node this node
	 * @param peers connected peers, by name
	 * @param subscriptions topics this node takes part in
	 * @param pool the duplicate filter
	 * @param queues outbound and subscriber queues
	 * @param traffic message and byte counters
	 * @param listeners listeners with their counters
	 * @param transfers files being sent or received, with progress and rate
	 * @param storage the node's storage, {@code null} when chaski.storage.enabled is off
	 * @param services remote-call services offered here and by each peer; {@code null} without remote calls
	 * @param members every member this node knows, with its state (empty without membership)
	 */
	public record ChaskiReport(NodeReport node, List<PeerReport> peers, Set<String> subscriptions, PoolReport pool,
			QueueReport queues, TrafficReport traffic, List<ListenerReport> listeners, List<TransferInfo> transfers,
			StorageReport storage, ServicesReport services, List<MemberReport> members) {
	}

	/**
	 * @param local services this node exports, with their interfaces
	 * @param remote services each connected peer offers, by peer name
	 * @param pendingCalls calls this node made that await their answer
	 * @param servingCalls calls from peers running or queued here
	 */
	public record ServicesReport(Map<String, List<String>> local, Map<String, Set<String>> remote, int pendingCalls,
			int servingCalls) {

		static ServicesReport of(ChaskiRemoteRegistry registry) {
			return new ServicesReport(registry.localServices(), registry.remoteServices(), registry.pendingCalls(),
					registry.servingCalls());
		}

	}

	/**
	 * @param name member name
	 * @param id member id (its node id)
	 * @param address membership (UDP) {@code host:port}
	 * @param state {@code alive}, {@code suspect}, {@code dead} or {@code left}
	 * @param incarnation the member's incarnation number
	 * @param metadata what it advertises: TCP address, topics, root, version
	 */
	public record MemberReport(String name, UUID id, String address, String state, long incarnation,
			MemberMetadata metadata) {

		static MemberReport of(Member member) {
			return new MemberReport(member.name(), member.id(), member.address(),
					member.state().name().toLowerCase(Locale.ROOT), member.incarnation(), member.metadata());
		}

	}

	/**
	 * @param id node id
	 * @param name node name
	 * @param address advertised {@code host:port}, {@code null} when not listening
	 * @param root whether it relays every topic
	 * @param running whether it is listening
	 */
	public record NodeReport(UUID id, String name, String address, boolean root, boolean running) {
	}

	/**
	 * @param id peer node id
	 * @param name peer name
	 * @param address the peer's advertised {@code host:port}
	 * @param subscriptions its topics
	 * @param root whether it relays every topic
	 * @param latencyMillis smoothed one-way latency, {@code null} until measured
	 * @param jitterMillis latency jitter, {@code null} until measured
	 * @param connectedSince when the connection was made
	 * @param initiatedLocally whether this node dialed
	 * @param queuedMessages messages waiting to be sent to it
	 * @param droppedMessages messages to it dropped by the overflow policy
	 */
	public record PeerReport(UUID id, String name, String address, Set<String> subscriptions, boolean root,
			Double latencyMillis, Double jitterMillis, Instant connectedSince, boolean initiatedLocally,
			int queuedMessages, long droppedMessages) {

		static PeerReport of(PeerInfo peer) {
			return new PeerReport(peer.nodeId(), peer.name(), peer.address().hostAndPort(),
					new TreeSet<>(peer.subscriptions()), peer.root(), measured(peer.latencyMillis()),
					measured(peer.jitterMillis()), peer.connectedSince(), peer.initiatedLocally(),
					peer.queuedMessages(), peer.droppedMessages());
		}

		private static Double measured(double millis) {
			return Double.isNaN(millis) ? null : millis;
		}

	}

	/**
	 * @param origins origin nodes remembered now
	 * @param maxOrigins most origin nodes remembered
	 * @param idsPerOrigin recent ids remembered per origin
	 * @param ttl how long an origin is remembered after its last message
	 * @param duplicatesDropped messages dropped as already seen
	 * @param rejectedIds messages dropped because their origin cannot have produced their id
	 */
	public record PoolReport(long origins, int maxOrigins, int idsPerOrigin, Duration ttl, long duplicatesDropped,
			long rejectedIds) {

		static PoolReport of(StreamerStats stats, StreamerSettings settings) {
			return new PoolReport(stats.poolOrigins(), settings.poolOrigins(), settings.poolSize(), settings.poolTtl(),
					stats.duplicates(), stats.rejectedIds());
		}

	}

	/**
	 * @param outboundQueued messages waiting to be sent, all peers together
	 * @param outboundDropped messages dropped by the overflow policy, all peers together
	 * @param subscriberBacklog messages waiting for subscribers and listeners
	 * @param subscriberDropped messages dropped because a subscriber fell behind
	 */
	public record QueueReport(long outboundQueued, long outboundDropped, long subscriberBacklog,
			long subscriberDropped) {
	}

	/**
	 * @param published messages published here
	 * @param received messages from peers accepted here
	 * @param relayed copies forwarded for other nodes
	 * @param bytesIn bytes received
	 * @param bytesOut bytes sent
	 * @param framesIn frames received
	 * @param framesOut frames sent
	 * @param rejectedConnections connections closed for bad frames or protocol violations
	 * @param evictedPendingConnections connections awaiting their handshake closed to make room for newer ones
	 * @param refusedConnections connections closed at once because every I/O thread was taken
	 * @param authenticationFailures handshakes refused because a side could not prove the cluster secret
	 * @param peerLimitRefusals handshakes refused because the node had its maximum of peers
	 * @param reconnects successful reconnections
	 */
	public record TrafficReport(long published, long received, long relayed, long bytesIn, long bytesOut,
			long framesIn, long framesOut, long rejectedConnections, long evictedPendingConnections,
			long refusedConnections, long authenticationFailures, long peerLimitRefusals, long reconnects) {
	}

	/**
	 * @param id listener id
	 * @param topics its topics (empty for every topic)
	 * @param concurrency threads per topic
	 * @param handled messages handled
	 * @param errors messages whose handler threw
	 * @param backlog messages waiting
	 * @param dropped messages dropped because it fell behind
	 * @param deliveryPolicy what happens when it falls behind
	 */
	public record ListenerReport(String id, List<String> topics, int concurrency, long handled, long errors,
			long backlog, long dropped, DeliveryPolicy deliveryPolicy) {

		static ListenerReport of(ListenerContainer container) {
			return new ListenerReport(container.id(), container.topics(), container.concurrency(),
					container.handledCount(), container.errorCount(), container.backlog(), container.droppedCount(),
					container.deliveryPolicy());
		}

	}

}
