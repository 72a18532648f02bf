package io.chaski.node;

import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of a node's traffic, for metrics and the actuator endpoint.
 */
public final class NodeStats {

	final LongAdder bytesIn = new LongAdder();

	final LongAdder bytesOut = new LongAdder();

	final LongAdder framesIn = new LongAdder();

	final LongAdder framesOut = new LongAdder();

	final LongAdder envelopesIn = new LongAdder();

	final LongAdder envelopesOut = new LongAdder();

	final LongAdder dropped = new LongAdder();

	final LongAdder rejectedConnections = new LongAdder();

	final LongAdder reconnects = new LongAdder();

	final LongAdder evictedPendingConnections = new LongAdder();

	final LongAdder refusedConnections = new LongAdder();

	final LongAdder authenticationFailures = new LongAdder();

	final LongAdder peerLimitRefusals = new LongAdder();

	/** @return bytes received, frame headers included */
	public long bytesIn() {
		return this.bytesIn.sum();
	}

	/** @return bytes sent, frame headers included */
	public long bytesOut() {
		return this.bytesOut.sum();
	}

	/** @return frames received */
	public long framesIn() {
		return this.framesIn.sum();
	}

	/** @return frames sent */
	public long framesOut() {
		return this.framesOut.sum();
	}

	/** @return envelopes received */
	public long envelopesIn() {
		return this.envelopesIn.sum();
	}

	/** @return envelopes sent */
	public long envelopesOut() {
		return this.envelopesOut.sum();
	}

	/** @return outbound messages dropped or refused by the overflow policy */
	public long dropped() {
		return this.dropped.sum();
	}

	/** @return connections closed for bad input or protocol violations */
	public long rejectedConnections() {
		return this.rejectedConnections.sum();
	}

	/** @return successful reconnections */
	public long reconnects() {
		return this.reconnects.sum();
	}

	/** @return connections awaiting their handshake that were closed to make room for newer ones */
	public long evictedPendingConnections() {
		return this.evictedPendingConnections.sum();
	}

	/** @return connections closed at once because every I/O thread was taken */
	public long refusedConnections() {
		return this.refusedConnections.sum();
	}

	/** @return handshakes refused because one side could not prove the cluster secret the other requires */
	public long authenticationFailures() {
		return this.authenticationFailures.sum();
	}

	/** @return handshakes refused because the node already had its maximum of peers */
	public long peerLimitRefusals() {
		return this.peerLimitRefusals.sum();
	}

}
