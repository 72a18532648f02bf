package io.chaski.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.env.StandardEnvironment;

import io.chaski.annotation.ChaskiListener;
import io.chaski.annotation.ChaskiListenerAnnotationBeanPostProcessor;
import io.chaski.annotation.ChaskiListenerRegistry;
import io.chaski.annotation.ListenerContainer;
import io.chaski.annotation.MessageEventBridge;
import io.chaski.node.ChaskiNode;
import io.chaski.node.NodeSettings;
import io.chaski.node.OverflowPolicy;
import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.ChaskiSubscription;
import io.chaski.streamer.StreamerSettings;
import io.chaski.transport.TransportMode;
import io.chaski.wire.DefaultPayloadCodec;
import io.chaski.wire.PayloadCodec;

import static org.assertj.core.api.Assertions.assertThat;

class ChaskiAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChaskiAutoConfiguration.class, ChaskiActuatorAutoConfiguration.class))
		.withPropertyValues("chaski.node.port=0");

	@Test
	void defaultBeansArePresentAndTheNodeRunsWithTheContext() {
		this.runner.withPropertyValues("spring.application.name=orders").run(context -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(ChaskiNode.class)
				.hasSingleBean(ChaskiStreamer.class)
				.hasSingleBean(PayloadCodec.class)
				.hasSingleBean(ChaskiLifecycle.class)
				.hasSingleBean(ChaskiListenerRegistry.class)
				.hasSingleBean(ChaskiListenerAnnotationBeanPostProcessor.class)
				.hasSingleBean(MessageEventBridge.class)
				.hasSingleBean(ChaskiHealthIndicator.class)
				.doesNotHaveBean(ChaskiMetrics.class) // no meter registry
				.doesNotHaveBean(ChaskiEndpoint.class); // not exposed
			ChaskiNode node = context.getBean(ChaskiNode.class);
			assertThat(node.isRunning()).isTrue();
			assertThat(node.name()).isEqualTo("orders");
			assertThat(node.address().port()).isPositive();
			assertThat(node.settings()).isEqualTo(ChaskiNode.builder().name("orders").settings());
			assertThat(context.getBean(ChaskiListenerRegistry.class).containers())
				.as("no event listener, so no event bridge listener").isEmpty();
		});
	}

	@Test
	void metersBindWhenTheApplicationHasAMeterRegistry() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run(context -> assertThat(context).hasSingleBean(ChaskiMetrics.class));
	}

	@Test
	void withoutActuatorAndMicrometerTheNodeStillRuns() {
		this.runner
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.",
					"org.springframework.boot.health.", "io.micrometer."))
			.run(context -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(ChaskiNode.class)
					.doesNotHaveBean(ChaskiHealthIndicator.class)
					.doesNotHaveBean(ChaskiMetrics.class);
				assertThat(context.getBean(ChaskiNode.class).isRunning()).isTrue();
			});
	}

	@Test
	void nodeNameFallsBackWhenNoApplicationNameIsSet() {
		this.runner.run(context -> assertThat(context.getBean(ChaskiNode.class).name())
			.isEqualTo(ChaskiAutoConfiguration.DEFAULT_NAME));
	}

	@Test
	void userBeansWin() {
		this.runner.withUserConfiguration(UserBeans.class).run(context -> {
			assertThat(context).hasNotFailed().hasSingleBean(ChaskiNode.class).hasSingleBean(PayloadCodec.class);
			assertThat(context.getBean(ChaskiNode.class).name()).isEqualTo("mine");
			assertThat(context.getBean(PayloadCodec.class)).isSameAs(UserBeans.CODEC);
			assertThat(context.getBean(ChaskiNode.class).isRunning()).as("started by the auto-configured lifecycle")
				.isTrue();
		});
	}

	@Test
	void customizersAdjustTheBuilderAfterTheProperties() {
		this.runner.withPropertyValues("chaski.node.name=from-properties", "chaski.reconnect.attempts=4")
			.withBean(ChaskiNodeCustomizer.class, () -> builder -> builder.name("from-code"))
			.run(context -> {
				NodeSettings settings = context.getBean(ChaskiNode.class).settings();
				assertThat(settings.name()).isEqualTo("from-code");
				assertThat(settings.reconnectAttempts()).isEqualTo(4);
			});
	}

	@Test
	void disabledGivesNoBeans() {
		this.runner.withPropertyValues("chaski.enabled=false").run(context -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(ChaskiNode.class)
			.doesNotHaveBean(ChaskiStreamer.class)
			.doesNotHaveBean(ChaskiLifecycle.class)
			.doesNotHaveBean(ChaskiListenerRegistry.class)
			.doesNotHaveBean(ChaskiHealthIndicator.class)
			.doesNotHaveBean(ChaskiMetrics.class)
			.doesNotHaveBean(ChaskiProperties.class));
	}

	@Test
	void propertiesBindToTheNodeAndStreamer() {
		this.runner.withPropertyValues("chaski.node.name=alpha", "chaski.node.host=127.0.0.1",
				"chaski.node.advertised-host=203.0.113.10", "chaski.node.subscriptions=a,b", "chaski.node.root=true",
				"chaski.node.idle-timeout=1m", "chaski.node.shutdown-timeout=300ms", "chaski.node.max-connections=3",
				"chaski.transport.max-frame-size=1MB", "chaski.transport.batch-frame-size=16KB",
				"chaski.transport.mode=blocking", "chaski.transport.connect-timeout=2s",
				"chaski.transport.handshake-timeout=3s", "chaski.keep-alive.interval=250ms",
				"chaski.keep-alive.max-missed=5", "chaski.keep-alive.ping-timeout=1s", "chaski.reconnect.attempts=0",
				"chaski.reconnect.initial-backoff=100ms", "chaski.reconnect.max-backoff=2s",
				"chaski.queue.capacity=128", "chaski.queue.overflow-policy=drop-oldest",
				"chaski.queue.send-timeout=50ms", "chaski.streamer.hop-limit=3", "chaski.streamer.pool.size=500",
				"chaski.streamer.pool.ttl=10s", "chaski.streamer.subscriber-queue-capacity=7",
				"chaski.listener.concurrency=3")
			.run(context -> {
				NodeSettings settings = context.getBean(ChaskiNode.class).settings();
				assertThat(settings).isEqualTo(new NodeSettings("alpha", "127.0.0.1", 0, "203.0.113.10",
						java.util.Set.of("a", "b"), true, 1024 * 1024, 16 * 1024, TransportMode.BLOCKING,
						Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMillis(250), 5, Duration.ofSeconds(1),
						0, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMinutes(1), 128,
						OverflowPolicy.DROP_OLDEST, Duration.ofMillis(50), Duration.ofMillis(300), 1024, 64, 256,
						16 * 1024, null, true, 3));
				ChaskiProperties properties = context.getBean(ChaskiProperties.class);
				assertThat(properties.streamerSettings().hopLimit()).isEqualTo(3);
				assertThat(properties.streamerSettings().poolSize()).isEqualTo(500);
				assertThat(properties.streamerSettings().poolTtl()).isEqualTo(Duration.ofSeconds(10));
				assertThat(properties.streamerSettings().subscriberQueueCapacity()).isEqualTo(7);
				assertThat(context.getBean(ChaskiListenerRegistry.class).defaultConcurrency()).isEqualTo(3);
				assertThat(context.getBean(ChaskiNode.class).address().host()).isEqualTo("203.0.113.10");
			});
	}

	@Test
	void environmentVariablesBind() {
		Map<String, Object> env = Map.of("CHASKI_NODE_NAME", "from-env", "CHASKI_NODE_SUBSCRIPTIONS", "x,y",
				"CHASKI_QUEUE_OVERFLOWPOLICY", "FAIL", "CHASKI_TRANSPORT_MAXFRAMESIZE", "2MB",
				"CHASKI_KEEPALIVE_MAXMISSED", "7", "CHASKI_DISCOVERY_SEEDS_0_", "seed@127.0.0.1:1");
		this.runner.withPropertyValues("chaski.reconnect.attempts=0")
			.withInitializer(context -> context.getEnvironment().getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						"test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env)))
			.run(context -> {
				NodeSettings settings = context.getBean(ChaskiNode.class).settings();
				assertThat(settings.name()).isEqualTo("from-env");
				assertThat(settings.subscriptions()).containsExactlyInAnyOrder("x", "y");
				assertThat(settings.overflowPolicy()).isEqualTo(OverflowPolicy.FAIL);
				assertThat(settings.maxFrameBytes()).isEqualTo(2 * 1024 * 1024);
				assertThat(settings.maxMissedPings()).isEqualTo(7);
				assertThat(context.getBean(ChaskiProperties.class).discovery().seeds())
					.containsExactly("seed@127.0.0.1:1");
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			chaski.node.port=70000                   | chaski.node           | 65535
			chaski.node.host=                        | chaski.node           | host
			chaski.keep-alive.max-missed=0           | chaski               | keepAlive.maxMissed
			chaski.streamer.hop-limit=300            | chaski.streamer       | 255
			chaski.transport.connect-timeout=0s      | chaski.transport      | chaski.transport.connect-timeout must be a positive duration
			chaski.transport.max-frame-size=100B     | chaski.transport      | chaski.transport.max-frame-size must be between 1024B
			chaski.transport.batch-frame-size=8MB    | chaski.transport      | chaski.transport.batch-frame-size must be between 256B and 4194304B
			chaski.reconnect.max-backoff=100ms       | chaski.reconnect      | must not be shorter than chaski.reconnect.initial-backoff
			chaski.discovery.seeds=not-an-address    | chaski.discovery      | expected host:port
			chaski.queue.overflow-policy=sometimes   | chaski.queue          | sometimes
			chaski.bindings.audit.topics=            | chaski               | bindings[audit].topics
			chaski.storage.replication.max-keys-per-message=70000 | chaski.storage | 65535
			chaski.storage.replication.push-queue-capacity=0      | chaski.storage | replication.pushQueueCapacity
			""")
	void invalidValuesFailStartupNamingTheProperty(String property, String prefix, String detail) {
		this.runner.withPropertyValues(property).run(context -> {
			assertThat(context).hasFailed();
			String messages = allMessages(context.getStartupFailure());
			assertThat(messages).contains(prefix).contains(detail);
		});
	}

	@Test
	void healthIsUpWithDetailsWhileRunningAndDownWhenStopped() {
		this.runner.withPropertyValues("chaski.node.name=h", "chaski.node.subscriptions=t").run(context -> {
			ChaskiHealthIndicator health = context.getBean(ChaskiHealthIndicator.class);
			ChaskiNode node = context.getBean(ChaskiNode.class);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			assertThat(health.health().getDetails()).containsEntry("nodeId", node.id())
				.containsEntry("name", "h")
				.containsEntry("address", node.address().hostAndPort())
				.containsEntry("peers", 0)
				.containsEntry("topics", new java.util.TreeSet<>(List.of("t")));
			context.getBean(ChaskiLifecycle.class).stop();
			assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void healthIndicatorCanBeSwitchedOff() {
		this.runner.withPropertyValues("management.health.chaski.enabled=false")
			.run(context -> assertThat(context).hasNotFailed()
				.hasSingleBean(ChaskiNode.class)
				.doesNotHaveBean(ChaskiHealthIndicator.class));
	}

	@Test
	void endpointExistsWhenExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health,chaski")
			.run(context -> {
				ChaskiEndpoint.ChaskiReport report = context.getBean(ChaskiEndpoint.class).report();
				assertThat(report.node().running()).isTrue();
				assertThat(report.pool().idsPerOrigin()).isEqualTo(65_536);
				assertThat(report.pool().maxOrigins()).isEqualTo(10_000);
				assertThat(report.listeners()).isEmpty();
			});
	}

	@Test
	void theEndpointReportsThePoolLimitsOfTheStreamerInUse() {
		ApplicationContextRunner exposed = this.runner.withPropertyValues(
				"management.endpoints.web.exposure.include=chaski", "chaski.streamer.pool.size=128");
		exposed.run(context -> assertThat(pool(context).idsPerOrigin()).isEqualTo(128));
		exposed.withUserConfiguration(OwnStreamer.class).run(context -> {
			assertThat(context).hasSingleBean(ChaskiStreamer.class).doesNotHaveBean(StreamerSettings.class);
			assertThat(pool(context).idsPerOrigin()).as("the user's streamer, not the unused property")
				.isEqualTo(OwnStreamer.SETTINGS.poolSize());
			assertThat(pool(context).maxOrigins()).isEqualTo(OwnStreamer.SETTINGS.poolOrigins());
			assertThat(pool(context).ttl()).isEqualTo(OwnStreamer.SETTINGS.poolTtl());
		});
	}

	@Test
	void aStreamerSettingsBeanConfiguresTheAutoConfiguredStreamer() {
		this.runner.withBean(StreamerSettings.class, () -> OwnStreamer.SETTINGS).run(context -> {
			ChaskiStreamer streamer = context.getBean(ChaskiStreamer.class);
			try (ChaskiSubscription<String> unread = streamer.subscribe("t", String.class)) {
				for (int i = 0; i < 5; i++) {
					streamer.publish("t", "m" + i);
				}
				assertThat(unread.droppedCount()).as("a buffer of 2 keeps the last 2 of 5").isEqualTo(3);
			}
		});
	}

	private static ChaskiEndpoint.PoolReport pool(AssertableApplicationContext context) {
		return context.getBean(ChaskiEndpoint.class).report().pool();
	}

	@Test
	void messageEventsCanBeSwitchedOff() {
		this.runner.withPropertyValues("chaski.listener.events=false").run(context -> {
			assertThat(context).doesNotHaveBean(MessageEventBridge.class);
			assertThat(context.getBean(ChaskiListenerRegistry.class).containers()).isEmpty();
		});
	}

	@Test
	void listenerMethodsAndBindingsJoinTheirTopics() {
		this.runner.withUserConfiguration(Listeners.class)
			.withPropertyValues("chaski.bindings.audit.topics=audit,${extra.topic}", "chaski.bindings.audit.concurrency=2",
					"extra.topic=billing", "listener.threads=4")
			.run(context -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ChaskiNode.class).subscriptions())
					.containsExactlyInAnyOrder("orders", "payments", "audit", "billing");
				assertThat(context.getBean(ChaskiListenerRegistry.class).containers())
					.extracting(ListenerContainer::id, ListenerContainer::concurrency)
					.contains(org.assertj.core.groups.Tuple.tuple("listeners.onOrder", 4),
							org.assertj.core.groups.Tuple.tuple("audit", 2));
			});
	}

	@Test
	void listenersOfBeansCreatedAfterStartupAreRegisteredThen() {
		this.runner.withBean("lateListener", LateListener.class, LateListener::new, bean -> bean.setLazyInit(true))
			.run(context -> {
				ChaskiListenerRegistry registry = context.getBean(ChaskiListenerRegistry.class);
				assertThat(registry.containers()).extracting(ListenerContainer::id).doesNotContain("lateListener.on");
				context.getBean(LateListener.class);
				assertThat(registry.containers()).extracting(ListenerContainer::id).contains("lateListener.on");
				assertThat(context.getBean(ChaskiNode.class).subscriptions()).contains("late");
			});
	}

	@Test
	void aListenerMethodWithTwoParametersFailsStartup() {
		this.runner.withUserConfiguration(BadListener.class).run(context -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.hasMessageContaining("BadListener.wrong")
			.hasMessageContaining("exactly one parameter"));
	}

	@Test
	void aBindingWithoutItsBeanFailsStartup() {
		this.runner.withPropertyValues("chaski.bindings.missing.topics=t")
			.run(context -> assertThat(context).hasFailed()
				.getFailure()
				.hasMessageContaining("chaski.bindings.missing names no bean"));
	}

	private static String allMessages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			messages.append(t.getMessage()).append('\n');
		}
		return messages.toString();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		static final PayloadCodec CODEC = new DefaultPayloadCodec();

		@Bean
		ChaskiNode myNode() {
			return ChaskiNode.builder().name("mine").build();
		}

		@Bean
		PayloadCodec myCodec() {
			return CODEC;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnStreamer {

		static final StreamerSettings SETTINGS = new StreamerSettings(4, 256, 50, Duration.ofSeconds(5), 2);

		@Bean
		ChaskiStreamer myStreamer(ChaskiNode node) {
			return new ChaskiStreamer(node, SETTINGS, new DefaultPayloadCodec());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@Bean
		Object listeners() {
			return new Object() {
				@ChaskiListener(topics = "orders", concurrency = "${listener.threads}")
				void onOrder(String order) {
				}

				@ChaskiListener(topics = "payments", id = "payments")
				void onPayment(ChaskiMessage<Map<String, Object>> payment) {
				}
			};
		}

		@Bean
		Consumer<ChaskiMessage<String>> audit() {
			return message -> {
			};
		}

	}

	static class LateListener {

		@ChaskiListener(topics = "late")
		void on(byte[] payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadListener {

		@ChaskiListener(topics = "t")
		void wrong(String a, String b) {
		}

	}

}
