package io.chaski.node;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/** Makes the single-thread timers of a node and its seed connector. */
final class DaemonTimer {

	private DaemonTimer() {
	}

	/**
	 * @param threadName the timer thread's name
	 * @return a timer on one daemon thread (it never keeps the JVM alive) that forgets cancelled tasks at once
	 */
	static ScheduledThreadPoolExecutor create(String threadName) {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
			Thread thread = new Thread(runnable, threadName);
			thread.setDaemon(true);
			return thread;
		});
		timer.setRemoveOnCancelPolicy(true);
		return timer;
	}

}
