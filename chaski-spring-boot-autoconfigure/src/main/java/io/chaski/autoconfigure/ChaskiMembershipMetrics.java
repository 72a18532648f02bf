package io.chaski.autoconfigure;

import java.util.Locale;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.chaski.membership.MemberState;
import io.chaski.membership.MembershipStats;
import io.chaski.membership.RejectReason;

/**
 * Membership meters: {@code chaski.members} by state, local health, probes, indirect probes, suspicions,
 * refutations, deaths on a refused connection, gossip bytes and rejected packets by reason. They read zero while membership is not running.
 */
public class ChaskiMembershipMetrics implements MeterBinder {

	private final ChaskiMembership membership;

	/** @param membership the membership bean */
	public ChaskiMembershipMetrics(ChaskiMembership membership) {
		this.membership = membership;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (MemberState state : MemberState.values()) {
			Gauge.builder("chaski.members", this.membership, bean -> count(bean, state))
				.description("Members known, this node included, by state")
				.tag("state", state.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
		Gauge.builder("chaski.membership.health", this.membership,
				bean -> bean.membership().map(running -> running.health()).orElse(0))
			.description("Local health score (Lifeguard): 0 healthy, up to 7; probes slow down by score + 1")
			.register(registry);
		counter(registry, "chaski.membership.probes", "Direct probes sent", stats -> stats.probes.sum());
		counter(registry, "chaski.membership.probes.indirect", "Indirect probes (ping-req) sent",
				stats -> stats.indirectProbes.sum());
		counter(registry, "chaski.membership.suspicions", "Members suspected after failed probes",
				stats -> stats.suspicions.sum());
		counter(registry, "chaski.membership.refutations", "Suspicions of this node it refuted",
				stats -> stats.refutations.sum());
		counter(registry, "chaski.membership.deaths.refused",
				"Members declared dead at once: a probe failed and their TCP port refused a connection",
				stats -> stats.deathsOnRefusal.sum());
		FunctionCounter.builder("chaski.membership.gossip", this.membership, bean -> read(bean, s -> s.gossipBytes.sum()))
			.description("Bytes of member records sent")
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
		for (RejectReason reason : RejectReason.values()) {
			FunctionCounter.builder("chaski.membership.packets.rejected", this.membership,
					bean -> read(bean, stats -> stats.rejected(reason)))
				.description("Membership packets dropped")
				.tag("reason", reason.name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.register(registry);
		}
	}

	private void counter(MeterRegistry registry, String name, String description,
			ToLongFunction<MembershipStats> value) {
		FunctionCounter.builder(name, this.membership, bean -> read(bean, value))
			.description(description)
			.register(registry);
	}

	private static double read(ChaskiMembership bean, ToLongFunction<MembershipStats> value) {
		return bean.membership().map(running -> value.applyAsLong(running.stats())).orElse(0L);
	}

	private static double count(ChaskiMembership bean, MemberState state) {
		return bean.membership()
			.map(running -> running.members().stream().filter(member -> member.state() == state).count())
			.orElse(0L);
	}

}
