package io.chaski.membership;

import java.time.Duration;

/**
 * Asks whether anything still listens at a member's TCP address. A refused connection means no process listens
 * there (it died, or stopped): together with a failed probe that is enough to declare the member dead at once.
 * A paused process (garbage collection, a stalled machine) still accepts connections, because the kernel
 * completes the handshake for it; a timeout or any other failure proves nothing. See docs/membership.md.
 */
@FunctionalInterface
public interface ListenerCheck {

	/** Never refused: every failure goes through suspicion. */
	ListenerCheck NONE = (member, timeout) -> false;

	/**
	 * Blocks up to the timeout.
	 * @param member the member, with the TCP address in its metadata
	 * @param timeout longest wait
	 * @return whether the connection was refused; {@code false} when it connected, timed out or failed otherwise,
	 * or when the member advertises no TCP address
	 */
	boolean refused(Member member, Duration timeout);

}
