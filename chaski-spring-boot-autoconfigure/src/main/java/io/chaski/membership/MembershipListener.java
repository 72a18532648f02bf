package io.chaski.membership;

/** Told about changes in the member list. Called on the membership threads: keep it short. */
@FunctionalInterface
public interface MembershipListener {

	/** @param event what changed */
	void memberChanged(MemberEvent event);

}
