package io.chaski.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

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
import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.ChaskiStreamer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two real application contexts on loopback, the second seeded with the first: listeners, bound consumers and
 * events in one receive what the other publishes.
 */
class TwoContextsMessagingTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChaskiAutoConfiguration.class))
		.withPropertyValues("chaski.node.port=0", "chaski.keep-alive.interval=200ms");

	@Test
	void listenersBindingsAndEventsReceiveTypedPayloadsFromTheOtherContext() {
		this.runner.withUserConfiguration(Receiver.class)
			.withPropertyValues("chaski.node.name=receiver", "chaski.bindings.alerts.topics=alerts")
			.run(receiverContext -> {
				ChaskiNode receiverNode = receiverContext.getBean(ChaskiNode.class);
				String seed = receiverNode.address().hostAndPort();
				this.runner.withPropertyValues("chaski.node.name=sender", "chaski.discovery.seeds=receiver@" + seed)
					.run(senderContext -> {
						ChaskiNode senderNode = senderContext.getBean(ChaskiNode.class);
						await().atMost(WAIT).until(() -> senderNode.peers().stream()
							.anyMatch(peer -> peer.subscriptions().containsAll(List.of("readings", "alerts"))));
						ChaskiStreamer sender = senderContext.getBean(ChaskiStreamer.class);
						sender.publish("readings", new Reading("boiler", -1.0));
						sender.publish("readings", new Reading("boiler", 71.5));
						sender.publish("alerts", new Reading("boiler", 99.0));

						Receiver receiver = receiverContext.getBean(Receiver.class);
						await().atMost(WAIT).untilAsserted(() -> {
							assertThat(receiver.payloads).containsExactly(new Reading("boiler", -1.0),
									new Reading("boiler", 71.5));
							assertThat(receiver.messages).hasSize(2);
							assertThat(receiver.alerts).hasSize(1);
							assertThat(receiver.events).hasSize(3);
						});
						UUID senderId = senderNode.id();
						ChaskiMessage<Reading> first = receiver.messages.get(0);
						assertThat(first.topic()).isEqualTo("readings");
						assertThat(first.origin()).isEqualTo(senderId);
						assertThat(first.payload()).isEqualTo(new Reading("boiler", -1.0));
						assertThat(first.timestamp()).isNotNull();
						assertThat(receiver.alerts.get(0).payload()).isEqualTo(new Reading("boiler", 99.0));
						assertThat(receiver.threads).as("listeners run on their own threads, not the node's I/O ones")
							.allSatisfy(thread -> assertThat(thread).startsWith("chaski-listener-").endsWith("Receiver.onReading-1")
								.doesNotContain("-io-"));
						assertThat(receiver.events).extracting(ChaskiMessageEvent::getTopic)
							.containsExactlyInAnyOrder("readings", "readings", "alerts");
						assertThat(receiver.events.get(0).getMessage().origin()).isEqualTo(senderId);
						assertThat(receiver.events).extracting(ChaskiMessageEvent::getPayload)
							.allSatisfy(payload -> assertThat(payload).isInstanceOf(java.util.Map.class));

						ListenerContainer picky = receiverContext.getBean(ChaskiListenerRegistry.class).containers()
							.stream().filter(container -> container.id().equals("picky")).findFirst().orElseThrow();
						await().atMost(WAIT).untilAsserted(() -> {
							assertThat(picky.errorCount()).as("the negative reading throws").isEqualTo(1);
							assertThat(picky.handledCount()).as("the listener goes on after a failure").isEqualTo(1);
						});
						assertThat(receiverNode.isRunning()).isTrue();
						assertThat(senderNode.peers()).hasSize(1);
					});
			});
	}

	/** A sensor reading, sent as JSON. */
	record Reading(String sensor, double celsius) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Receiver {

		final List<Reading> payloads = new CopyOnWriteArrayList<>();

		final List<ChaskiMessage<Reading>> messages = new CopyOnWriteArrayList<>();

		final List<ChaskiMessage<Reading>> alerts = new CopyOnWriteArrayList<>();

		final List<ChaskiMessageEvent> events = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		@ChaskiListener(topics = "readings")
		void onReading(Reading reading) {
			this.threads.add(Thread.currentThread().getName());
			this.payloads.add(reading);
		}

		@ChaskiListener(topics = "readings", id = "envelopes")
		void onMessage(ChaskiMessage<Reading> message) {
			this.messages.add(message);
		}

		@ChaskiListener(topics = "readings", id = "picky")
		void rejectsNegatives(Reading reading) {
			if (reading.celsius() < 0) {
				throw new IllegalArgumentException("negative reading " + reading);
			}
		}

		@EventListener
		void onEvent(ChaskiMessageEvent event) {
			this.events.add(event);
		}

		@Bean
		Consumer<ChaskiMessage<Reading>> alerts() {
			return this.alerts::add;
		}

	}

}
