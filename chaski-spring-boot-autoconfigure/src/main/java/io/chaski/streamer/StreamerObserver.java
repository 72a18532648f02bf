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
	 * Messages from other nodes were accepted for this node's subscribers. Told once per run of a topic in a
	 * received frame (a frame carries hundreds of messages, mostly of one topic), before its subscribers get them,
	 * so that counting costs nothing per message.
	 * @param topic the topic
	 * @param messages how many messages
	 * @param payloadBytes their payload bytes together
	 */
	default void received(String topic, int messages, long payloadBytes) {
	}

	/**
	 * A message was dropped.
	 * @param topic the topic
	 * @param reason why: {@code duplicate}, {@code not-subscribed}, {@code queue-full} (a peer's outbound queue
	 * refused it: policy, send timeout, or a relay that waited in vain), or a subscription's delivery policy:
	 * {@code subscriber-timeout}, {@code subscriber-drop-oldest}, {@code subscriber-drop-newest}
	 */
	default void dropped(String topic, String reason) {
	}

}
