package io.chaski.node;

import java.util.Set;
import java.util.UUID;

/**
 * The payload of HELLO and HELLO_ACK envelopes (JSON): who the sender is and where it listens.
 *
 * @param protocol the sender's protocol version
 * @param nodeId the sender's id
 * @param name the sender's name
 * @param host the host the sender advertises
 * @param port the port the sender listens on
 * @param root whether the sender is a root node
 * @param subscriptions the sender's topics
 */
record Handshake(int protocol, UUID nodeId, String name, String host, int port, boolean root,
		Set<String> subscriptions) {
}
