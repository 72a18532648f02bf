package io.chaski.node;

/**
 * What happens when a peer's outbound queue is full. Every refused or dropped message is counted.
 */
public enum OverflowPolicy {

	/**
	 * Wait up to the send timeout for space: slows a fast publisher down to its slowest peer. Past the timeout
	 * {@code publish} throws {@link ChaskiOverflowException} and no peer gets the message. Relays wait too (up
	 * to the relaying streamer's delivery timeout), so back-pressure crosses relay nodes; a relay that times out
	 * is dropped (counted), and further relays to that peer are refused at once until its queue moves again.
	 */
	WAIT,

	/** Drop the oldest queued message to make room: fresh data wins, {@code publish} never waits or throws. */
	DROP_OLDEST,

	/** Refuse at once: {@code publish} throws {@link ChaskiOverflowException}, relays are dropped. */
	FAIL

}
