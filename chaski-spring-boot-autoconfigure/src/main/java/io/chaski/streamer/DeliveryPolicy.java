package io.chaski.streamer;

/**
 * What a subscription (or a listener topic) does when its buffer is full and another message arrives. Every
 * message a policy drops is counted with a reason ({@code chaski.messages.dropped}) and logged, rate-limited.
 */
public enum DeliveryPolicy {

	/**
	 * Lossless: the thread delivering the message waits for room, up to the delivery timeout. On a node's I/O
	 * thread that stops reading from the link, so TCP pushes back and the sender's queue and then its
	 * {@code publish} wait too. A reader still full at the timeout loses that message (reason
	 * {@code subscriber-timeout}), and later ones at once, until it takes a message again.
	 */
	WAIT,

	/** Drop the oldest buffered message to make room (reason {@code subscriber-drop-oldest}): fresh data wins. */
	DROP_OLDEST,

	/** Drop the arriving message (reason {@code subscriber-drop-newest}): what is buffered is kept. */
	DROP_NEWEST;

	/** @return the drop reason this policy reports, as tagged on {@code chaski.messages.dropped} */
	String dropReason() {
		return switch (this) {
			case WAIT -> "subscriber-timeout";
			case DROP_OLDEST -> "subscriber-drop-oldest";
			case DROP_NEWEST -> "subscriber-drop-newest";
		};
	}

}
