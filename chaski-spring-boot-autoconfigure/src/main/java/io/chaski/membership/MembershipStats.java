package io.chaski.membership;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the membership protocol, read by metrics. */
public final class MembershipStats {

	/** Direct probes sent. */
	public final LongAdder probes = new LongAdder();

	/** Indirect probes (ping-req) sent on behalf of a failed direct probe. */
	public final LongAdder indirectProbes = new LongAdder();

	/** Members this node suspected (its own probes failed). */
	public final LongAdder suspicions = new LongAdder();

	/** Members declared dead at once: a probe failed and their TCP port refused a connection. */
	public final LongAdder deathsOnRefusal = new LongAdder();

	/** Suspicions of this node that it refuted. */
	public final LongAdder refutations = new LongAdder();

	/** Bytes of gossip (member records) sent. */
	public final LongAdder gossipBytes = new LongAdder();

	/** Packets received and accepted. */
	public final LongAdder packetsReceived = new LongAdder();

	private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);

	MembershipStats() {
		for (RejectReason reason : RejectReason.values()) {
			this.rejected.put(reason, new LongAdder());
		}
	}

	/**
	 * @param reason why
	 * @return how many packets were dropped for it
	 */
	public long rejected(RejectReason reason) {
		return this.rejected.get(reason).sum();
	}

	/** @return packets dropped for any reason */
	public long rejected() {
		return this.rejected.values().stream().mapToLong(LongAdder::sum).sum();
	}

	void reject(RejectReason reason) {
		this.rejected.get(reason).increment();
	}

}
