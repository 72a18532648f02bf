package io.chaski.membership;

/**
 * A change in the member list.
 *
 * @param type what happened
 * @param member the member after the change
 */
public record MemberEvent(Type type, Member member) {

	/** What happened to a member. */
	public enum Type {
		/** First seen alive. */
		JOINED,
		/** Missed its probes; may still refute. */
		SUSPECT,
		/** Refuted a suspicion or came back from dead. */
		ALIVE_AGAIN,
		/** Declared dead. */
		DEAD,
		/** Stopped gracefully. */
		LEFT,
		/** Changed its metadata (subscriptions, address). */
		UPDATED
	}

}
