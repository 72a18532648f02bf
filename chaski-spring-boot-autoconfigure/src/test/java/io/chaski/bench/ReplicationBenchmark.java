package io.chaski.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.chaski.node.ChaskiNode;
import io.chaski.storage.ChaskiStorage;
import io.chaski.storage.ReplicationSettings;
import io.chaski.storage.StorageSettings;
import io.chaski.wire.DefaultPayloadCodec;

/**
 * Replication lag across three nodes in one JVM (loopback, one SQLite file each) under a steady write load: every
 * node writes its share of the rate to its own and shared keys, and every node records, for each pushed write it
 * applies, the time from the write on its node to its arrival (wall clock, millisecond resolution). Run once with a
 * full mesh and once with a line (a - b - c, so a's writes reach c through b), after a full-mesh warm-up run that is
 * not reported. Not a test; see docs/performance.md.
 * Arguments: {@code [writes per second over all nodes, default 600] [seconds per run, default 10]}.
 */
public final class ReplicationBenchmark {

	private static final byte[] VALUE = new byte[100];

	private ReplicationBenchmark() {
	}

	/** @param args writes per second, seconds */
	public static void main(String[] args) throws Exception {
		int rate = (args.length > 0) ? Integer.parseInt(args[0]) : 600;
		int seconds = (args.length > 1) ? Integer.parseInt(args[1]) : 10;
		System.out.printf("Replication benchmark: 3 nodes, %,d writes/s of 100-byte values for %d s, %d cores, %s%n",
				rate, seconds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
		run(null, true, rate, Math.min(seconds, 5));
		run("full mesh", true, rate, seconds);
		run("line a-b-c", false, rate, seconds);
	}

	/** @param topology what to call the run in the report; {@code null} for the warm-up, not reported */
	private static void run(String topology, boolean fullMesh, int rate, int seconds) throws Exception {
		Path directory = Files.createTempDirectory("chaski-replication-bench");
		List<ChaskiNode> nodes = new ArrayList<>();
		List<ChaskiStorage> storages = new ArrayList<>();
		List<long[]> lags = new ArrayList<>();
		try {
			for (String name : List.of("a", "b", "c")) {
				ChaskiNode node = ChaskiNode.builder().name(name).bindHost("127.0.0.1").port(0).build().start();
				nodes.add(node);
				ChaskiStorage storage = ChaskiStorage.open(node,
						StorageSettings.of(directory.resolve(name + ".db"))
							.withReplication(ReplicationSettings.enabledWithDefaults()),
						new DefaultPayloadCodec(), Clock.systemUTC());
				storages.add(storage);
			}
			connect(nodes.get(0), nodes.get(1));
			connect(nodes.get(1), nodes.get(2));
			if (fullMesh) {
				connect(nodes.get(0), nodes.get(2));
			}
			Samples samples = new Samples(rate * seconds * 2 + 1024);
			storages.forEach(storage -> storage.stats().replication().onLag(samples::add));
			List<Thread> writers = new ArrayList<>();
			for (ChaskiStorage storage : storages) {
				Thread writer = new Thread(() -> write(storage, rate / 3, seconds), "writer-" + storage.file());
				writers.add(writer);
				writer.start();
			}
			for (Thread writer : writers) {
				writer.join();
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (!converged(storages) && System.nanoTime() < deadline) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
			}
			long[] sorted = samples.sorted();
			if (topology == null) {
				return; // the warm-up
			}
			System.out.printf("%-11s: %,d writes applied by peers, lag p50 %d ms, p99 %d ms, max %d ms; converged: %s; "
					+ "load average %s%n", topology, sorted.length, percentile(sorted, 50), percentile(sorted, 99),
					(sorted.length > 0) ? sorted[sorted.length - 1] : -1, converged(storages), LoadAverage.now());
		}
		finally {
			storages.forEach(ChaskiStorage::close);
			nodes.forEach(ChaskiNode::close);
		}
	}

	/** Writes at a steady pace: half to keys only this node writes, half to keys every node writes. */
	private static void write(ChaskiStorage storage, int perSecond, int seconds) {
		long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
		long next = System.nanoTime();
		String own = storage.file().getFileName().toString();
		for (int i = 0; i < perSecond * seconds; i++) {
			LockSupport.parkNanos(next - System.nanoTime());
			next += interval;
			storage.put(((i % 2 == 0) ? own : "shared") + "-" + (i % 500), VALUE, Duration.ZERO);
		}
	}

	private static boolean converged(List<ChaskiStorage> storages) {
		long size = storages.get(0).size();
		return storages.stream().allMatch(storage -> storage.size() == size)
				&& storages.get(0).keys("").equals(storages.get(2).keys(""));
	}

	private static void connect(ChaskiNode from, ChaskiNode to) throws Exception {
		from.connect(to.address().hostAndPort()).get(10, TimeUnit.SECONDS);
	}

	private static long percentile(long[] sorted, double percentile) {
		if (sorted.length == 0) {
			return -1;
		}
		int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
		return sorted[Math.max(0, index)];
	}

	/** Every lag sample of a run (bounded: writes beyond the capacity are not sampled). */
	private static final class Samples {

		private final long[] values;

		private int count;

		Samples(int capacity) {
			this.values = new long[capacity];
		}

		synchronized void add(long value) {
			if (this.count < this.values.length) {
				this.values[this.count++] = value;
			}
		}

		synchronized long[] sorted() {
			long[] copy = Arrays.copyOf(this.values, this.count);
			Arrays.sort(copy);
			return copy;
		}

	}

}
