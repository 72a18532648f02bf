package io.chaski.transport;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.springframework.integration.ip.tcp.connection.TcpConnection;

/**
 * The transport's I/O threads: at most a fixed number, none queued. Blocking connections each need a reader
 * thread for their whole life; one that arrives when every thread is taken is closed at once and reported,
 * so a flood of connections costs neither unbounded threads nor a blocked accept loop. Other work (NIO reads,
 * connects) is refused with {@link RejectedExecutionException}: Spring Integration retries a refused NIO read
 * after a short delay, a refused connect fails its future.
 */
final class BoundedIoExecutor implements Executor {

	private final ThreadPoolExecutor pool;

	private final Consumer<TcpConnection> onRefused;

	/**
	 * @param maxThreads most threads at once
	 * @param threads makes the threads
	 * @param onRefused told about a connection closed because no thread was free
	 */
	BoundedIoExecutor(int maxThreads, ThreadFactory threads, Consumer<TcpConnection> onRefused) {
		// no core threads and no queue: a thread per task up to the bound, idle threads end after a minute
		this.pool = new ThreadPoolExecutor(0, maxThreads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), threads);
		this.onRefused = onRefused;
	}

	@Override
	public void execute(Runnable task) {
		try {
			this.pool.execute(task);
		}
		catch (RejectedExecutionException ex) {
			if (task instanceof TcpConnection tcp && !this.pool.isShutdown()) {
				// a blocking connection's reader: Spring Integration would log the refusal at ERROR and leave the
				// connection registered; closing it here unregisters it cleanly
				tcp.close();
				this.onRefused.accept(tcp);
				return;
			}
			throw ex;
		}
	}

	/** @return threads alive now */
	int threads() {
		return this.pool.getPoolSize();
	}

	/** Takes no more work and waits up to the limit for running work to end, then interrupts it. */
	void shutdown(long waitMillis) {
		this.pool.shutdown();
		try {
			this.pool.awaitTermination(waitMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.pool.shutdownNow();
	}

}
