package io.chaski.support;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Platform daemon threads (they never keep the JVM alive) for timers and pools whose work is short; threads that
 * spend their life blocked on a peer come from {@link IoThreads}.
 */
public final class DaemonThreads {

	private DaemonThreads() {
	}

	/**
	 * @param prefix thread names: the prefix and a counter
	 * @return a factory of daemon platform threads
	 */
	public static ThreadFactory factory(String prefix) {
		AtomicInteger counter = new AtomicInteger();
		return runnable -> named(prefix + counter.incrementAndGet(), runnable);
	}

	/**
	 * @param threadName the timer thread's name
	 * @return a timer on one daemon thread that forgets cancelled tasks at once
	 */
	public static ScheduledThreadPoolExecutor timer(String threadName) {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
				runnable -> named(threadName, runnable));
		timer.setRemoveOnCancelPolicy(true);
		return timer;
	}

	private static Thread named(String name, Runnable runnable) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

}
