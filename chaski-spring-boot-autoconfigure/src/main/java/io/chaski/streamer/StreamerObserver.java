package io.chaski.streamer;

/**
 * Told about message traffic, for metrics. Called on hot paths and I/O threads: must be cheap and never block.
 */
public interface StreamerObserver {

	/**
	 * This node published a message.
	 * @param topic the topic
	 * @param payloadBytes payload size
	 */
	default void published(String topic, int payloadBytes) {
	}

	/**
	 * A message from another node was accepted for this node's subscribers.
	 * @param topic the topic
	 * @param payloadBytes payload size
	 */
	default void received(String topic, int payloadBytes) {
	}

	/**
	 * A message was dropped.
	 * @param topic the topic
	 * @param reason why: {@code duplicate}, {@code not-subscribed}, {@code queue-full}, {@code subscriber-full}
	 */
	default void dropped(String topic, String reason) {
	}

}
