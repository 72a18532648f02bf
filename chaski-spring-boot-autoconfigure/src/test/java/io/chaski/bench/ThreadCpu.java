package io.chaski.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time per thread since a snapshot, for {@link BenchApp}'s {@code THREADS} line: which thread of a process
 * pays for a message. Threads that started after the snapshot count from zero.
 */
final class ThreadCpu {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private final Map<Long, Long> start = new HashMap<>();

	ThreadCpu() {
		for (long id : THREADS.getAllThreadIds()) {
			this.start.put(id, THREADS.getThreadCpuTime(id));
		}
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
		return used.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(6)
			.map(e -> String.format(Locale.ROOT, "%s=%d", e.getKey(), e.getValue() / Math.max(1, messages)))
			.collect(Collectors.joining(" "));
	}

}
