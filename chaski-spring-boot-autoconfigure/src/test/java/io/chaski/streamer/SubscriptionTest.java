package io.chaski.streamer;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;

import io.chaski.node.ChaskiNode;
import io.chaski.testing.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The three ways to read a subscription, and closing it. A node's own messages are delivered locally too.
 */
class SubscriptionTest {

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@Test
	void pollIteratorAndClose() throws Exception {
		ChaskiNode node = this.nodes.start("node");
		ChaskiStreamer streamer = this.nodes.streamer(node);
		ChaskiSubscription<String> sub = streamer.subscribe("t", String.class);
		assertThat(node.subscriptions()).contains("t");
		streamer.publish("t", "one");
		streamer.publish("t", "two");
		ChaskiMessage<String> first = sub.poll(TestNodes.SETTLE);
		assertThat(first.payload()).isEqualTo("one");
		assertThat(first.origin()).isEqualTo(node.id());
		assertThat(first.topic()).isEqualTo("t");
		Iterator<ChaskiMessage<String>> iterator = sub.iterator();
		assertThat(iterator.next().payload()).isEqualTo("two");
		// a reader blocked in hasNext() wakes up when the subscription closes
		CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(iterator::hasNext);
		sub.close();
		assertThat(blocked.get(TestNodes.SETTLE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isFalse();
		assertThat(sub.poll(Duration.ofSeconds(5))).isNull();
		assertThat(node.subscriptions()).doesNotContain("t");
	}

	@Test
	void drainHandsOverBatchesInOrderAfterWhatAPollLeftAndStopsAtTheClose() throws Exception {
		ChaskiNode node = this.nodes.start("node");
		ChaskiStreamer streamer = this.nodes.streamer(node);
		ChaskiSubscription<Integer> sub = streamer.subscribe("t", Integer.class);
		for (int i = 0; i < 600; i++) {
			streamer.publish("t", i);
		}
		// a poll takes a batch and returns its first message; drain goes on with the rest of that batch
		assertThat(sub.poll(TestNodes.SETTLE).payload()).isZero();
		List<Integer> got = new CopyOnWriteArrayList<>();
		while (got.size() < 599) {
			assertThat(sub.drain(message -> got.add(message.payload()), TestNodes.SETTLE)).isPositive();
		}
		assertThat(got).isEqualTo(java.util.stream.IntStream.range(1, 600).boxed().toList());
		assertThat(sub.drain(message -> got.add(-1), Duration.ofMillis(50))).isZero(); // nothing waiting
		// a reader waiting in drain wakes up when the subscription closes, and every later drain finds it closed
		CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
			try {
				return sub.drain(message -> got.add(-1), Duration.ofSeconds(30));
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		sub.close();
		assertThat(blocked.get(TestNodes.SETTLE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isZero();
		assertThat(sub.drain(message -> got.add(-1), Duration.ofSeconds(5))).isZero();
		assertThat(sub.poll(Duration.ofSeconds(5))).isNull();
		assertThat(got).hasSize(599);
	}

	@Test
	void flowPublisherHonoursDemandAndCompletesOnClose() {
		ChaskiNode node = this.nodes.start("node");
		ChaskiStreamer streamer = this.nodes.streamer(node);
		ChaskiSubscription<String> sub = streamer.subscribe("t", String.class);
		List<String> got = new CopyOnWriteArrayList<>();
		CompletableFuture<Void> completed = new CompletableFuture<>();
		Flow.Subscription[] handle = new Flow.Subscription[1];
		sub.subscribe(new Flow.Subscriber<ChaskiMessage<String>>() {
			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				handle[0] = subscription;
				subscription.request(2);
			}

			@Override
			public void onNext(ChaskiMessage<String> item) {
				got.add(item.payload());
			}

			@Override
			public void onError(Throwable throwable) {
				completed.completeExceptionally(throwable);
			}

			@Override
			public void onComplete() {
				completed.complete(null);
			}
		});
		List.of("a", "b", "c").forEach(text -> streamer.publish("t", text));
		await().atMost(TestNodes.SETTLE).until(() -> got.size() == 2);
		await().during(Duration.ofMillis(200)).atMost(TestNodes.SETTLE).until(() -> got.size() == 2);
		handle[0].request(1);
		await().atMost(TestNodes.SETTLE).until(() -> got.size() == 3);
		assertThat(got).containsExactly("a", "b", "c");
		sub.close();
		assertThat(completed).succeedsWithin(TestNodes.SETTLE);
	}

}
