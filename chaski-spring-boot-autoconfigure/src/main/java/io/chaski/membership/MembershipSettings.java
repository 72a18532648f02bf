package io.chaski.membership;

import java.time.Duration;

/**
 * Timings and limits of the membership protocol; {@link #lan()} gives the defaults (docs/membership.md).
 *
 * @param probeInterval time between two probes of this node (one member each)
 * @param probeTimeout how long a direct ping waits for its ack before indirect probes are asked for
 * @param indirectChecks members asked to probe a target that missed the direct ping
 * @param suspicionMultiplier suspicion timeout = multiplier x log10(members) x probe interval (at least 1 x)
 * @param suspicionMaxMultiplier longest suspicion timeout, as a multiple of the shortest; independent
 * confirmations shorten it towards the shortest (Lifeguard)
 * @param retransmitMultiplier each update is piggybacked multiplier x ceil(log10(members + 1)) times
 * @param gossipInterval time between gossip packets to random members
 * @param gossipNodes members each gossip packet goes to
 * @param pushPullInterval time between full member-list exchanges with a random member (anti-entropy: repairs
 * what gossip missed)
 * @param deadRetention how long dead and left members are re-probed before they are forgotten
 * @param reprobeMaxBackoff longest delay between re-probes of a dead member (doubling from the probe interval)
 * @param joinMaxBackoff longest delay between join attempts through the seeds (doubling from the probe interval);
 * attempts never stop while no other member is alive
 * @param maxPacketBytes largest packet sent or accepted; stays below the usual 1,500-byte MTU
 */
public record MembershipSettings(Duration probeInterval, Duration probeTimeout, int indirectChecks,
		int suspicionMultiplier, int suspicionMaxMultiplier, int retransmitMultiplier, Duration gossipInterval,
		int gossipNodes, Duration pushPullInterval, Duration deadRetention, Duration reprobeMaxBackoff, Duration joinMaxBackoff,
		int maxPacketBytes) {

	/** Validates the components; see the record description. */
	public MembershipSettings {
		requirePositive(probeInterval, "probeInterval");
		requirePositive(probeTimeout, "probeTimeout");
		requirePositive(gossipInterval, "gossipInterval");
		requirePositive(pushPullInterval, "pushPullInterval");
		requirePositive(reprobeMaxBackoff, "reprobeMaxBackoff");
		requirePositive(joinMaxBackoff, "joinMaxBackoff");
		require(!deadRetention.isNegative(), "deadRetention must not be negative");
		require(probeTimeout.compareTo(probeInterval) < 0, "probeTimeout must be shorter than probeInterval");
		require(indirectChecks >= 0 && indirectChecks <= 16, "indirectChecks must be 0..16");
		require(suspicionMultiplier >= 1 && suspicionMaxMultiplier >= 1, "suspicion multipliers must be at least 1");
		require(retransmitMultiplier >= 1, "retransmitMultiplier must be at least 1");
		require(gossipNodes >= 0 && gossipNodes <= 16, "gossipNodes must be 0..16");
		require(maxPacketBytes >= 512 && maxPacketBytes <= 65_000, "maxPacketBytes must be 512..65000");
	}

	/** @return the defaults, tuned for a LAN (memberlist's DefaultLANConfig, minus its TCP fallbacks) */
	public static MembershipSettings lan() {
		return new MembershipSettings(Duration.ofSeconds(1), Duration.ofMillis(500), 3, 4, 6, 4, Duration.ofMillis(200),
				3, Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofSeconds(30), 1400);
	}

	/**
	 * @param interval probe interval
	 * @param timeout probe timeout
	 * @return these settings with other probe timings (tests, WANs)
	 */
	public MembershipSettings withProbe(Duration interval, Duration timeout) {
		return new MembershipSettings(interval, timeout, this.indirectChecks, this.suspicionMultiplier,
				this.suspicionMaxMultiplier, this.retransmitMultiplier, this.gossipInterval, this.gossipNodes,
				this.pushPullInterval, this.deadRetention, this.reprobeMaxBackoff, this.joinMaxBackoff, this.maxPacketBytes);
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

	private static void requirePositive(Duration duration, String what) {
		require(duration != null && !duration.isNegative() && !duration.isZero(), what + " must be positive");
	}

}
