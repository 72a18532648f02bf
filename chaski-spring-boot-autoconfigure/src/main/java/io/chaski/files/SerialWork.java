package io.chaski.files;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one transfer's file work in order on a shared pool, holding at most one place in the pool's queue, so the
 * pool's bounded queue needs room for one task per transfer only. The caller bounds how much it submits.
 */
final class SerialWork implements Runnable {

	private final Executor pool;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	SerialWork(Executor pool) {
		this.pool = pool;
	}

	/**
	 * @param task work to run after everything submitted before it
	 * @throws RejectedExecutionException if the pool's queue is full
	 */
	void submit(Runnable task) {
		this.tasks.add(task);
		schedule();
	}

	private void schedule() {
		if (this.scheduled.compareAndSet(false, true)) {
			try {
				this.pool.execute(this);
			}
			catch (RejectedExecutionException ex) {
				this.scheduled.set(false);
				throw ex;
			}
		}
	}

	@Override
	public void run() {
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			task.run();
		}
		this.scheduled.set(false);
		// a task added after the last poll but before the flag cleared would otherwise wait for the next submit
		if (!this.tasks.isEmpty()) {
			schedule();
		}
	}

}
