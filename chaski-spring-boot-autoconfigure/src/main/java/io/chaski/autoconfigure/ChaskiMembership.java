package io.chaski.autoconfigure;

import java.util.List;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

import io.chaski.membership.Membership;
import io.chaski.node.ChaskiNode;
import io.chaski.node.MemberLinks;

/**
 * Runs the node's membership ({@code chaski.membership.*}): starts after the node (it advertises the node's
 * address) and leaves before the node stops, so every member sees {@code left} at once. Member changes are
 * published as {@link ChaskiMemberEvent}s.
 */
public class ChaskiMembership implements SmartLifecycle {

	private final ChaskiNode node;

	private final ChaskiProperties.Membership properties;

	private final List<String> seeds;

	private final ApplicationEventPublisher publisher;

	private volatile MemberLinks links;

	/**
	 * @param node the node
	 * @param properties membership settings
	 * @param seeds seeds to join through ({@code chaski.discovery.seeds})
	 * @param publisher publishes member events
	 */
	public ChaskiMembership(ChaskiNode node, ChaskiProperties.Membership properties, List<String> seeds,
			ApplicationEventPublisher publisher) {
		this.node = node;
		this.properties = properties;
		this.seeds = List.copyOf(seeds);
		this.publisher = publisher;
	}

	@Override
	public synchronized void start() {
		if (this.links == null) {
			this.links = MemberLinks.start(this.node, this.properties.settings(), this.properties.port(), this.seeds,
					event -> this.publisher.publishEvent(new ChaskiMemberEvent(this, event)));
		}
	}

	@Override
	public synchronized void stop() {
		if (this.links != null) {
			this.links.close();
			this.links = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.links != null;
	}

	/** After the node starts, before it stops. */
	@Override
	public int getPhase() {
		return ChaskiLifecycle.PHASE + 1;
	}

	/** @return the membership while running */
	public Optional<Membership> membership() {
		MemberLinks current = this.links;
		return Optional.ofNullable(current).map(MemberLinks::membership);
	}

	/** @return whether seeds other than the node itself are configured (then no other member alive is cut off) */
	public boolean hasSeeds() {
		MemberLinks current = this.links;
		return current != null && current.hasSeeds();
	}

}
