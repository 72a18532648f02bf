package io.chaski.annotation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.DeliveryPolicy;
import io.chaski.testing.TestNodes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping the listeners is bounded by the shutdown timeout as a whole, however many listeners are busy.
 */
class ChaskiListenerRegistryTest {

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofMillis(300);

	private static final int LISTENERS = 4;

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@Test
	void stoppingWaitsOneShutdownTimeoutForAllBusyListenersTogether() throws InterruptedException {
		ChaskiNode node = this.nodes.start("n");
		ChaskiStreamer streamer = this.nodes.streamer(node);
		ChaskiListenerRegistry registry = new ChaskiListenerRegistry(streamer, 1, SHUTDOWN_TIMEOUT, DeliveryPolicy.WAIT);
		CountDownLatch busy = new CountDownLatch(LISTENERS);
		CountDownLatch never = new CountDownLatch(1);
		for (int i = 0; i < LISTENERS; i++) {
			registry.register(new ListenerContainer("stuck-" + i, List.of("t"), String.class, 1, message -> {
				busy.countDown();
				never.await();
			}));
		}
		registry.start();
		streamer.publish("t", "hold on");
		assertThat(busy.await(10, TimeUnit.SECONDS)).as("every listener is busy").isTrue();

		long start = System.nanoTime();
		registry.stop();
		Duration took = Duration.ofNanos(System.nanoTime() - start);

		assertThat(took).as("one timeout for all, not one per listener (%s)", SHUTDOWN_TIMEOUT.multipliedBy(LISTENERS))
			.isLessThan(SHUTDOWN_TIMEOUT.multipliedBy(LISTENERS - 1));
		assertThat(registry.isRunning()).isFalse();
	}

}
