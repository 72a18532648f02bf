package io.chaski.membership;

/**
 * Where a member stands in the SWIM protocol. The wire code is part of the membership packet format
 * (docs/membership.md).
 */
public enum MemberState {

	/** Answers probes. */
	ALIVE(0),

	/** Missed a probe; declared dead unless it refutes before its suspicion times out. */
	SUSPECT(1),

	/** Did not refute in time; re-probed with backoff until forgotten. */
	DEAD(2),

	/** Announced a graceful stop. */
	LEFT(3);

	private final int code;

	MemberState(int code) {
		this.code = code;
	}

	/** @return the wire code */
	public int code() {
		return this.code;
	}

	/**
	 * @param code a wire code
	 * @return its state
	 * @throws IllegalArgumentException for an unknown code
	 */
	public static MemberState of(int code) {
		for (MemberState state : values()) {
			if (state.code == code) {
				return state;
			}
		}
		throw new IllegalArgumentException("unknown member state " + code);
	}

	/** @return whether the member is still taking part (alive or suspect) */
	public boolean active() {
		return this == ALIVE || this == SUSPECT;
	}

}
