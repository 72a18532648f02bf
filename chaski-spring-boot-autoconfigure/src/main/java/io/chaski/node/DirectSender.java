package io.chaski.node;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.transport.Connection;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.FrameBuffer;
import io.chaski.wire.WireFormatException;

/**
 * Sends one envelope in its own frame, bypassing the edge's queue (handshake and goodbye only): a HELLO_ACK
 * must be the first frame the peer reads, and a BYE goes out after the queue has drained.
 */
final class DirectSender {

	// the node's category, as before this class was split off, so logging settings keep applying
	private static final Logger log = LoggerFactory.getLogger(ChaskiNode.class);

	private final UUID nodeId;

	private final int maxFrameBytes;

	private final NodeStats stats;

	DirectSender(UUID nodeId, int maxFrameBytes, NodeStats stats) {
		this.nodeId = nodeId;
		this.maxFrameBytes = maxFrameBytes;
		this.stats = stats;
	}

	/** Tells the peer this node leaves on purpose, so it neither takes the close for a failure nor reconnects. */
	void sendGoodbye(Connection connection) {
		send(connection, Envelope.control(EnvelopeKind.BYE, this.nodeId, 0, null));
	}

	/** Sends the envelope at once; a failure is logged at debug level, not thrown. */
	void send(Connection connection, Envelope envelope) {
		FrameBuffer frame = new FrameBuffer(256, this.maxFrameBytes);
		try {
			frame.tryAdd(envelope);
			frame.finish();
			connection.send(frame);
			this.stats.framesOut.increment();
			this.stats.bytesOut.add(frame.length());
		}
		catch (WireFormatException | RuntimeException ex) {
			log.debug("Could not send {} over {}: {}", envelope.kind(), connection, ex.toString());
		}
	}

}
