package io.chaski.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;

import io.chaski.annotation.ChaskiListenerRegistry;
import io.chaski.annotation.ChaskiMessageEvent;
import io.chaski.annotation.ListenerContainer;
import io.chaski.annotation.MessageEventBridge;
import io.chaski.streamer.ChaskiStreamer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The message event bridge publishes {@link ChaskiMessageEvent}s (on a listener thread of its own) only when the
 * application has a listener that would receive them, matched as Spring matches event listeners.
 */
class MessageEventBridgeTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChaskiAutoConfiguration.class))
		.withPropertyValues("chaski.node.port=0", "chaski.membership.enabled=false");

	@Test
	void anEventListenerMethodGetsEveryMessageAsAnEvent() {
		this.runner.withUserConfiguration(MethodListener.class).run(context -> {
			assertThat(bridgeListeners(context.getBean(ChaskiListenerRegistry.class))).hasSize(1);
			assertThat(context.getBean(MessageEventBridge.class).isPublishing()).isTrue();
			ChaskiStreamer streamer = context.getBean(ChaskiStreamer.class);
			streamer.publish("news", "one");
			streamer.publish("news", "two");
			MethodListener listener = context.getBean(MethodListener.class);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(listener.events).extracting(ChaskiMessageEvent::getPayload)
					.containsExactly("one", "two"));
		});
	}

	@Test
	void listenersForOtherEventsLeaveTheBridgeOff() {
		this.runner.withUserConfiguration(OtherListeners.class).run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(OtherListeners.class).refreshed).as("the other listeners work").isTrue();
			assertThat(bridgeListeners(context.getBean(ChaskiListenerRegistry.class))).isEmpty();
			assertThat(context.getBean(MessageEventBridge.class).isPublishing()).isFalse();
		});
	}

	@Test
	void aListenerForEveryApplicationEventCountsAsAListener() {
		this.runner.withUserConfiguration(CatchAll.class)
			.run(context -> assertThat(context.getBean(MessageEventBridge.class).isPublishing()).isTrue());
	}

	@Test
	void aLazyListenerBeanCountsAsAListener() {
		this.runner.withUserConfiguration(LazyListener.class)
			.run(context -> assertThat(context.getBean(MessageEventBridge.class).isPublishing()).isTrue());
	}

	private static List<ListenerContainer> bridgeListeners(ChaskiListenerRegistry registry) {
		return registry.containers().stream().filter(c -> c.id().equals(MessageEventBridge.LISTENER_ID)).toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class MethodListener {

		final List<ChaskiMessageEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(ChaskiMessageEvent event) {
			this.events.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OtherListeners {

		volatile boolean refreshed;

		@EventListener
		void on(String payloadEvent) {
		}

		@Bean
		ApplicationListener<ContextRefreshedEvent> refreshListener() {
			return new ApplicationListener<>() {

				@Override
				public void onApplicationEvent(ContextRefreshedEvent event) {
					OtherListeners.this.refreshed = true;
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CatchAll {

		@EventListener
		void on(ApplicationEvent event) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyListener {

		@Bean
		@Lazy
		EventCounter eventCounter() {
			return new EventCounter();
		}

	}

	static final class EventCounter implements ApplicationListener<ChaskiMessageEvent> {

		@Override
		public void onApplicationEvent(ChaskiMessageEvent event) {
		}

	}

}
