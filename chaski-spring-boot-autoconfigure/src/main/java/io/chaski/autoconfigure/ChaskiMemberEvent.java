package io.chaski.autoconfigure;

import org.springframework.context.ApplicationEvent;

import io.chaski.membership.Member;
import io.chaski.membership.MemberEvent;

/**
 * A change in the member list (joined, suspect, alive again, dead, left, updated), published as a Spring
 * application event on the membership threads: keep listeners short or make them asynchronous.
 */
public class ChaskiMemberEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient MemberEvent event;

	/**
	 * @param source the membership bean
	 * @param event what changed
	 */
	public ChaskiMemberEvent(Object source, MemberEvent event) {
		super(source);
		this.event = event;
	}

	/** @return what happened */
	public MemberEvent.Type type() {
		return this.event.type();
	}

	/** @return the member after the change */
	public Member member() {
		return this.event.member();
	}

	@Override
	public String toString() {
		return "ChaskiMemberEvent[" + type() + " " + member().name() + " " + member().id() + "]";
	}

}
