package io.chaski.node;

/**
 * Whether a message on a topic that no link takes can reach a peer ({@link ChaskiNode#awaitRoute}).
 */
public enum Route {

	/** Membership knows no other member that takes the topic: only this node's own subscribers get it. */
	NONE,

	/** A link that takes the topic is up now. */
	LINKED,

	/** Members take the topic but no link to one came up in time. */
	UNREACHABLE

}
