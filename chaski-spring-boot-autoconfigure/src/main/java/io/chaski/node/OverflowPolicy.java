package io.chaski.node;

/**
 * What happens when a peer's outbound queue is full. Every refused or dropped message is counted.
 */
public enum OverflowPolicy {

	/**
	 * Wait up to the send timeout for space, then drop the new message. Slows a fast publisher down; messages
	 * relayed for other nodes never wait and are refused at once when the queue is full.
	 */
	WAIT,

	/** Drop the oldest queued message to make room: fresh data wins. */
	DROP_OLDEST,

	/** Refuse at once: {@code publish} throws {@link ChaskiOverflowException}, relays are dropped. */
	FAIL

}
