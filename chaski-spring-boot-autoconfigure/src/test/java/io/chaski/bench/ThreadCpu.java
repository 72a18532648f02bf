package io.chaski.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time per thread since a snapshot, for {@link BenchApp}'s {@code THREADS} line: which thread of a process
 * pays for a message. Threads that started after the snapshot count from zero. On Linux the JVM's own threads
 * (garbage collector, JIT compilers, VM thread), which the thread bean does not list, are read from
 * {@code /proc/self/task} and summed as {@code gc}, {@code jit} and {@code vm} (10 ms clock ticks).
 */
final class ThreadCpu {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	/** Nanoseconds per clock tick of /proc (USER_HZ is 100 on Linux). */
	private static final long TICK_NANOS = 10_000_000L;

	private final Map<Long, Long> start = new HashMap<>();

	private final Map<String, Long> vmStart = vmThreads();

	ThreadCpu() {
		for (long id : THREADS.getAllThreadIds()) {
			this.start.put(id, THREADS.getThreadCpuTime(id));
		}
	}

	/** @return CPU nanoseconds of the JVM's own threads so far, by kind; empty where /proc is missing */
	private static Map<String, Long> vmThreads() {
		Map<String, Long> byKind = new HashMap<>();
		try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
			tasks.forEach(task -> {
				try {
					String kind = kind(Files.readString(task.resolve("comm")).trim());
					if (kind != null) {
						String stat = Files.readString(task.resolve("stat"));
						// fields after the command's closing parenthesis: state is field 3, utime 14, stime 15
						String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
						long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
						byKind.merge(kind, ticks * TICK_NANOS, Long::sum);
					}
				}
				catch (IOException | RuntimeException ex) {
					// the thread ended meanwhile
				}
			});
		}
		catch (IOException ex) {
			return Map.of();
		}
		return byKind;
	}

	private static String kind(String comm) {
		if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
			return "gc";
		}
		if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
			return "jit";
		}
		return comm.equals("VM Thread") ? "vm" : null;
	}

	/**
	 * @param messages the messages the time is divided by
	 * @return the busiest threads with their CPU nanoseconds per message, e.g. {@code consumer-io-2=812}
	 */
	String perMessage(long messages) {
		Map<String, Long> used = new HashMap<>();
		for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
			if (info != null) {
				long now = THREADS.getThreadCpuTime(info.getThreadId());
				long spent = now - this.start.getOrDefault(info.getThreadId(), 0L);
				used.merge(info.getThreadName().replaceAll("\\d+", "N"), spent, Long::sum);
			}
		}
		vmThreads().forEach((kind, nanos) -> used.put(kind, nanos - this.vmStart.getOrDefault(kind, 0L)));
		return used.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(8)
			.map(e -> String.format(Locale.ROOT, "%s=%d", e.getKey(), e.getValue() / Math.max(1, messages)))
			.collect(Collectors.joining(" "));
	}

}
