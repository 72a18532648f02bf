package io.chaski.node;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * A snapshot of one peer (an edge of the mesh) as this node sees it.
 *
 * @param nodeId the peer's id
 * @param name the peer's name
 * @param address the address the peer advertises (where it listens), not the socket's source address
 * @param subscriptions the topics the peer subscribes to
 * @param root whether the peer is a root node (relays every topic)
 * @param latencyMillis smoothed one-way latency (RTT/2) in ms; NaN until the first ping answer
 * @param jitterMillis latency jitter in ms
 * @param connectedSince when the edge was established
 * @param initiatedLocally whether this node opened the connection
 * @param queuedMessages messages waiting in the outbound queue
 * @param droppedMessages messages to this peer dropped by the overflow policy
 */
public record PeerInfo(UUID nodeId, String name, PeerAddress address, Set<String> subscriptions, boolean root,
		double latencyMillis, double jitterMillis, Instant connectedSince, boolean initiatedLocally,
		int queuedMessages, long droppedMessages) {
}
