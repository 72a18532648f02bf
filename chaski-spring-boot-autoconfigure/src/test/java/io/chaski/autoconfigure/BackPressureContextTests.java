package io.chaski.autoconfigure;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import io.chaski.annotation.ChaskiListener;
import io.chaski.annotation.ChaskiListenerRegistry;
import io.chaski.annotation.ChaskiMessageEvent;
import io.chaski.annotation.ListenerContainer;
import io.chaski.node.ChaskiNode;
import io.chaski.node.PeerInfo;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.DeliveryPolicy;
import io.chaski.testing.SlowReader;
import io.chaski.wire.DefaultPayloadCodec;
import io.chaski.wire.EncodedPayload;
import io.chaski.wire.PayloadCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The user's case, in two real application contexts on loopback: a {@code @ChaskiListener} slower than the
 * publisher receives every message in order with the default policies, every buffer stays within its capacity,
 * and the message events on by default cost no payload decoding when nobody reads their payload.
 */
class BackPressureContextTests {

	private static final int MESSAGES = 100_000;

	private static final int CAPACITY = 1_000;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChaskiAutoConfiguration.class))
		.withPropertyValues("chaski.node.port=0", "chaski.queue.capacity=" + CAPACITY,
				"chaski.streamer.subscriber-queue-capacity=" + CAPACITY);

	@Test
	void aSlowListenerGetsEveryMessageInOrderWithBoundedBuffersAndLazyEvents() {
		this.runner.withUserConfiguration(SlowListener.class).withPropertyValues("chaski.node.name=receiver")
			.run(receiverContext -> {
				ChaskiNode receiverNode = receiverContext.getBean(ChaskiNode.class);
				String seed = receiverNode.address().hostAndPort();
				this.runner.withPropertyValues("chaski.node.name=sender", "chaski.discovery.seeds=receiver@" + seed)
					.run(senderContext -> {
						ChaskiNode senderNode = senderContext.getBean(ChaskiNode.class);
						await().atMost(Duration.ofSeconds(10)).until(() -> senderNode.peers().stream()
							.anyMatch(peer -> peer.subscriptions().contains("work")));
						SlowListener listener = receiverContext.getBean(SlowListener.class);
						ListenerContainer container = receiverContext.getBean(ChaskiListenerRegistry.class)
							.containers().stream().filter(c -> c.id().equals("slow")).findFirst().orElseThrow();
						assertThat(container.deliveryPolicy()).isEqualTo(DeliveryPolicy.WAIT);

						ChaskiStreamer sender = senderContext.getBean(ChaskiStreamer.class);
						// the user's 100-byte payloads (the publisher's pace is asserted in BackPressureTest, with
						// payloads large enough that the sockets' buffers hold a small part of the stream)
						for (int i = 0; i < MESSAGES; i++) {
							sender.publish("work", SlowReader.payload(i, 100));
							if (i % 500 == 0) {
								assertThat(container.backlog()).isLessThanOrEqualTo(CAPACITY);
								assertThat(senderNode.peers()).extracting(PeerInfo::queuedMessages)
									.allSatisfy(queued -> assertThat(queued).isLessThanOrEqualTo(CAPACITY));
							}
						}
						await().atMost(Duration.ofSeconds(60)).until(() -> listener.received.get() == MESSAGES);
						assertThat(listener.problem.get()).isNull();
						assertThat(container.droppedCount()).isZero();
						await().atMost(Duration.ofSeconds(10)).until(() -> listener.events.sum() == MESSAGES);
						assertThat(receiverContext.getBean(CountingCodec.class).decodes.sum())
							.as("one decode per message, for the listener; events nobody reads decode nothing")
							.isEqualTo(MESSAGES);
					});
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class SlowListener {

		final AtomicLong received = new AtomicLong();

		final AtomicReference<String> problem = new AtomicReference<>();

		final LongAdder events = new LongAdder();

		@ChaskiListener(topics = "work", id = "slow")
		void onWork(byte[] payload) {
			long sequence = SlowReader.sequenceOf(payload);
			if (sequence != this.received.get()) {
				this.problem.compareAndSet(null, "message " + sequence + " at position " + this.received.get());
			}
			SlowReader.work(10_000);
			this.received.incrementAndGet();
		}

		@EventListener
		void onEvent(ChaskiMessageEvent event) {
			if (event.getTopic().equals("work")) {
				this.events.increment();
			}
		}

		@Bean
		CountingCodec countingCodec() {
			return new CountingCodec();
		}

	}

	/** The default codec, counting decodes. */
	static class CountingCodec implements PayloadCodec {

		final LongAdder decodes = new LongAdder();

		private final PayloadCodec delegate = new DefaultPayloadCodec();

		@Override
		public EncodedPayload encode(Object payload) {
			return this.delegate.encode(payload);
		}

		@Override
		public <T> T decode(byte[] bytes, String contentType, Type targetType) {
			this.decodes.increment();
			return this.delegate.decode(bytes, contentType, targetType);
		}

	}

}
