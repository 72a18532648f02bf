package io.chaski.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.chaski.testing.ForkedMember;

/**
 * Failure detection across separate JVMs with default membership settings: four members stay up; a fifth is
 * started, linked (or not), killed with SIGKILL, and the time from the kill until all four report it
 * {@code dead} is measured; several runs with a TCP link to the victim and several where only UDP knew it
 * (the victim shares no topic and closed its seed link). Then the four publish without pause for a while and the
 * false suspicions and deaths among them are counted. Run it with the command in {@code docs/performance.md};
 * arguments {@code [runs per mode, default 5] [load seconds, default 120]}.
 */
public final class FailureDetectionBenchmark {

	private static final Duration START = Duration.ofSeconds(120);

	private static final Duration DETECT = Duration.ofSeconds(60);

	private FailureDetectionBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int loadSeconds = (args.length > 1) ? Integer.parseInt(args[1]) : 120;
		System.out.printf(Locale.ROOT, "Failure detection: 5 JVMs, %d runs per mode, %d s of load; %d cores, Java %s, "
				+ "load average %s%n", runs, loadSeconds, Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.vm.version"), LoadAverage.now());
		List<ForkedMember> stable = new ArrayList<>();
		try {
			stable.add(new ForkedMember("m0", "t", null).awaitReady(START));
			for (int i = 1; i < 4; i++) {
				stable.add(new ForkedMember("m" + i, "t", stable.get(0).address()));
			}
			stable.forEach(member -> member.awaitReady(START));
			require(() -> stable.stream().allMatch(member -> stable.stream()
				.allMatch(other -> other == member || member.seen("event JOINED " + other.id()) >= 0)), "a mesh of 4");
			measure("TCP link", true, runs, stable);
			measure("UDP only", false, runs, stable);
			load(stable, loadSeconds);
		}
		finally {
			stable.forEach(ForkedMember::kill);
		}
	}

	private static void measure(String mode, boolean linked, int runs, List<ForkedMember> stable) {
		List<Double> times = new ArrayList<>();
		for (int run = 1; run <= runs; run++) {
			String topic = linked ? "t" : "alone-" + run;
			try (ForkedMember victim = new ForkedMember("victim-" + run, topic, stable.get(0).address())) {
				UUID id = victim.awaitReady(START).id();
				require(() -> stable.stream().allMatch(member -> member.seen("event JOINED " + id) >= 0), "the victim joined");
				if (linked) {
					require(() -> stable.stream().allMatch(member -> victim.seen("peer " + member.id()) >= 0),
							"the victim linked to all");
				}
				else {
					// its seed link first (dialled at start, it could complete after the unlink)
					require(() -> victim.seen("peer " + stable.get(0).id()) >= 0, "the victim's seed link");
					victim.send("unlink");
					require(() -> victim.seen("unlinked") >= 0, "the victim unlinked");
				}
				long links = victim.count("peer ");
				// a few probe rounds in the settled state
				LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3));
				if (!linked && victim.count("peer ") != links) {
					throw new IllegalStateException("the UDP-only victim was linked again");
				}
				long killed = System.nanoTime();
				victim.kill();
				String dead = "event DEAD " + id;
				boolean detected = awaitUntil(() -> stable.stream().allMatch(member -> member.seen(dead) >= 0), DETECT);
				long last = stable.stream().mapToLong(member -> member.seen(dead)).max().orElse(-1);
				double seconds = detected ? (last - killed) / 1e9 : Double.NaN;
				times.add(seconds);
				System.out.printf(Locale.ROOT, "%-8s run %d: dead at all 4 others after %.3f s (first %.3f s)%n", mode,
						run, seconds, (stable.stream().mapToLong(member -> member.seen(dead)).filter(t -> t >= 0).min()
							.orElse(killed) - killed) / 1e9);
			}
		}
		Collections.sort(times);
		System.out.printf(Locale.ROOT, "%-8s median %.3f s, min %.3f s, max %.3f s over %d runs; load average %s%n",
				mode, times.get(times.size() / 2), times.get(0), times.get(times.size() - 1), runs, LoadAverage.now());
	}

	private static void load(List<ForkedMember> stable, int seconds) {
		long suspectsBefore = stable.stream().mapToLong(member -> member.count("event SUSPECT")).sum();
		long deathsBefore = stable.stream().mapToLong(member -> deathsOfStable(member, stable)).sum();
		stable.forEach(member -> member.send("load"));
		LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
		long suspects = stable.stream().mapToLong(member -> member.count("event SUSPECT")).sum() - suspectsBefore;
		long deaths = stable.stream().mapToLong(member -> deathsOfStable(member, stable)).sum() - deathsBefore;
		long failures = stable.stream().mapToLong(member -> member.count("publish failed")).sum();
		long before = stable.stream().mapToLong(member -> member.count("received ")).sum();
		stable.forEach(member -> member.send("count"));
		require(() -> stable.stream().mapToLong(member -> member.count("received ")).sum() == before + stable.size(),
				"message counts");
		long received = stable.stream().mapToLong(member -> Long.parseLong(member.last("received "))).sum();
		System.out.printf(Locale.ROOT,
				"Load %d s (4 members publishing 100-byte messages without pause, %,d messages received, %,.0f/s): "
						+ "false deaths %d, suspicions %d (refuted), failed publishes %d; load average %s%n",
				seconds, received, received / (double) seconds, deaths, suspects, failures, LoadAverage.now());
	}

	private static long deathsOfStable(ForkedMember observer, List<ForkedMember> stable) {
		return stable.stream().filter(member -> observer.seen("event DEAD " + member.id()) >= 0).count();
	}

	private static void require(BooleanSupplier condition, String what) {
		if (!awaitUntil(condition, START)) {
			throw new IllegalStateException("no " + what + " within " + START);
		}
	}

	private static boolean awaitUntil(BooleanSupplier condition, Duration limit) {
		long deadline = System.nanoTime() + limit.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				return false;
			}
			LockSupport.parkNanos(1_000_000);
		}
		return true;
	}

}
