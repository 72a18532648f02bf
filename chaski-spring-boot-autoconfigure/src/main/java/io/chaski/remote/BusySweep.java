package io.chaski.remote;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Runs a sweep every few milliseconds while there is something to sweep, and not at all otherwise: the timer
 * thread of a node with no call in flight sleeps instead of waking every period (which cost every app, remote
 * calls or not, a wake-up every 10 ms). At most one sweep is scheduled at a time.
 */
final class BusySweep {

	private final ScheduledExecutorService timer;

	private final Runnable sweep;

	private final BooleanSupplier busy;

	private final long periodMillis;

	/** A sweep is scheduled or running (and schedules the next while busy). */
	private final AtomicBoolean scheduled = new AtomicBoolean();

	/**
	 * @param timer runs the sweeps
	 * @param sweep the sweep
	 * @param busy whether there is anything to sweep
	 * @param periodMillis the time between sweeps while busy
	 */
	BusySweep(ScheduledExecutorService timer, Runnable sweep, BooleanSupplier busy, long periodMillis) {
		this.timer = timer;
		this.sweep = sweep;
		this.busy = busy;
		this.periodMillis = periodMillis;
	}

	/** Makes sure a sweep comes; call it after adding work, so that {@code busy} already reports it. */
	void workAdded() {
		if (!this.scheduled.get() && this.scheduled.compareAndSet(false, true)) {
			schedule();
		}
	}

	private void run() {
		try {
			this.sweep.run();
		}
		finally {
			if (this.busy.getAsBoolean()) {
				schedule();
			}
			else {
				this.scheduled.set(false);
				// work added between the check and clearing the flag saw the flag set and scheduled nothing
				if (this.busy.getAsBoolean()) {
					workAdded();
				}
			}
		}
	}

	private void schedule() {
		try {
			this.timer.schedule(this::run, this.periodMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// the timer shut down: the registry closed and failed the calls it still waited for
		}
	}

}
