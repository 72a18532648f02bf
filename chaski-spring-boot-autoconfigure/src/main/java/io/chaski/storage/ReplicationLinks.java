package io.chaski.storage;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.node.ChaskiNode;
import io.chaski.node.Edge;
import io.chaski.storage.ReplicationMessages.Purpose;
import io.chaski.support.RateLimitedLog;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;

/**
 * The node's links to replicating peers. A replicating node subscribes to the reserved topic {@value #TOPIC}:
 * membership links the members that share a topic, so replicating members get linked to each other, and a peer's
 * subscriptions say whether it replicates. Replication messages go over those links as direct envelopes
 * (never relayed by the node: relaying is the replicator's, by last-writer-wins news).
 */
final class ReplicationLinks {

	/** The reserved topic every replicating node subscribes to. Nothing is published on it. */
	static final String TOPIC = "$chaski/storage/replication";

	private static final Logger log = LoggerFactory.getLogger(ReplicationLinks.class);

	private final ChaskiNode node;

	private final int maxKeys;

	private final long batchBytes;

	private final RateLimitedLog warnings = new RateLimitedLog(log);

	/**
	 * @param node the node
	 * @param maxKeys most writes in one message
	 */
	ReplicationLinks(ChaskiNode node, int maxKeys) {
		this.node = node;
		this.maxKeys = maxKeys;
		// half a frame leaves room for the envelope and for the estimate's slack
		this.batchBytes = node.settings().maxFrameBytes() / 2;
	}

	/** @return the open edges to peers that replicate */
	List<Edge> peers() {
		List<Edge> peers = new ArrayList<>();
		for (Edge edge : this.node.edges()) {
			if (!edge.isClosed() && edge.subscriptions().contains(TOPIC)) {
				peers.add(edge);
			}
		}
		return peers;
	}

	/**
	 * Sends writes in as many messages as their count and size need.
	 * @param to the peer
	 * @param purpose push or repair
	 * @param entries the writes
	 * @return bytes sent
	 */
	long sendWrites(Edge to, Purpose purpose, List<StorageEntry> entries) {
		long bytes = 0;
		List<StorageEntry> batch = new ArrayList<>();
		long size = 0;
		for (StorageEntry entry : entries) {
			long entrySize = ReplicationMessages.sizeOf(entry);
			if (!batch.isEmpty() && (batch.size() >= this.maxKeys || size + entrySize > this.batchBytes)) {
				bytes += send(to, EnvelopeKind.STORAGE_REPL_WRITES, ReplicationMessages.writes(purpose, batch));
				batch = new ArrayList<>();
				size = 0;
			}
			batch.add(entry);
			size += entrySize;
		}
		if (!batch.isEmpty()) {
			bytes += send(to, EnvelopeKind.STORAGE_REPL_WRITES, ReplicationMessages.writes(purpose, batch));
		}
		return bytes;
	}

	/**
	 * @param to the peer
	 * @param kind a replication kind
	 * @param payload its payload
	 * @return the payload's size if it was queued, else 0 (too large for a frame: logged; or the edge refused it)
	 */
	long send(Edge to, EnvelopeKind kind, byte[] payload) {
		Envelope envelope = Envelope.control(kind, this.node.id(), this.node.nextMessageId(), payload);
		try {
			this.node.checkFits(envelope);
		}
		catch (IllegalArgumentException ex) {
			this.warnings.warn("replication too large", "Storage of node {} cannot send a {} to {}: {}",
					this.node.name(), kind, to, ex.getMessage());
			return 0;
		}
		return to.offer(envelope) ? payload.length : 0;
	}

}
