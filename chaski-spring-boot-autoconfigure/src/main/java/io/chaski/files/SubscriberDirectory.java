package io.chaski.files;

import java.util.List;
import java.util.UUID;

/**
 * Tells a sender which nodes subscribe to a topic and where they listen, including nodes it is not linked to, so
 * that {@code pushFile} reaches subscribers that are only reached through other nodes by linking to them directly
 * (docs/design-decisions.md, "Files to subscribers behind other nodes").
 */
@FunctionalInterface
public interface SubscriberDirectory {

	/** Knows no one: files go to linked peers only. */
	SubscriberDirectory NONE = topic -> List.of();

	/**
	 * @param topic a topic
	 * @return the nodes that subscribe to it, as far as this node knows (may include itself and linked peers)
	 */
	List<Subscriber> subscribers(String topic);

	/**
	 * A node that subscribes to a topic.
	 *
	 * @param id its node id
	 * @param name its name
	 * @param host the host its node accepts TCP connections on
	 * @param port that port
	 */
	record Subscriber(UUID id, String name, String host, int port) {
	}

}
