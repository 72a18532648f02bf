package io.chaski.membership;

/** Why an incoming membership packet was dropped; each is counted. */
public enum RejectReason {

	/** Not a membership packet, or its fields do not add up. */
	MALFORMED,

	/** Larger than the maximum packet size. */
	OVERSIZED,

	/** Another version of the packet format. */
	VERSION,

	/** No signature although this node has a cluster secret. */
	UNSIGNED,

	/** Signed with another secret, or altered on the way. */
	BAD_SIGNATURE,

	/** Signed although this node has no cluster secret (the sender belongs to another mesh). */
	UNEXPECTED_SIGNATURE

}
