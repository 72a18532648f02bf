package io.chaski.remote;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The timeout sweep runs only while there is work: an idle node's timer has nothing scheduled, so its thread
 * does not wake.
 */
class BusySweepTest {

	private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);

	private final AtomicBoolean busy = new AtomicBoolean();

	private final AtomicInteger sweeps = new AtomicInteger();

	private final BusySweep sweep = new BusySweep(this.timer, this.sweeps::incrementAndGet, this.busy::get, 1);

	@AfterEach
	void stop() {
		this.timer.shutdownNow();
	}

	@Test
	void sweepsOnlyWhileBusy() {
		assertThat(this.timer.getQueue()).isEmpty();

		this.busy.set(true);
		this.sweep.workAdded();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sweeps.get() >= 3); // keeps sweeping while busy

		this.busy.set(false);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.timer.getQueue().isEmpty()
				&& this.timer.getActiveCount() == 0);
		int stoppedAt = this.sweeps.get();

		this.busy.set(true);
		this.sweep.workAdded();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sweeps.get() >= stoppedAt + 3); // and starts again
	}

	@Test
	void schedulesOneSweepHoweverOftenWorkIsAdded() throws InterruptedException {
		this.busy.set(true);
		Thread[] adders = new Thread[4];
		for (int i = 0; i < adders.length; i++) {
			adders[i] = new Thread(() -> {
				for (int n = 0; n < 10_000; n++) {
					this.sweep.workAdded();
				}
			});
			adders[i].start();
		}
		for (Thread adder : adders) {
			adder.join();
		}
		assertThat(this.timer.getQueue()).hasSizeLessThanOrEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sweeps.get() >= 2);
		assertThat(this.timer.getQueue()).hasSizeLessThanOrEqualTo(1);
	}

	@Test
	void aClosedTimerEndsTheSweepsQuietly() {
		this.timer.shutdownNow();
		this.busy.set(true);
		this.sweep.workAdded(); // rejected: the registry closed

		assertThat(this.sweeps.get()).isZero();
	}

}
