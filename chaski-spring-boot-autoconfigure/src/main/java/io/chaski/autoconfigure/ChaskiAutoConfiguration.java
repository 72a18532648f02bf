package io.chaski.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.chaski.annotation.ChaskiListenerAnnotationBeanPostProcessor;
import io.chaski.annotation.ChaskiListenerRegistry;
import io.chaski.annotation.ConsumerBinding;
import io.chaski.annotation.ConsumerBindingRegistrar;
import io.chaski.annotation.FileEventBridge;
import io.chaski.annotation.MessageEventBridge;
import io.chaski.files.MembershipDirectory;
import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.StreamerSettings;
import io.chaski.wire.DefaultPayloadCodec;
import io.chaski.wire.PayloadCodec;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configures a Chaski node and its streamer from {@code chaski.*} properties, starts them with the
 * application context, and runs {@code @ChaskiListener} methods, bound consumers and message events. Every
 * bean backs off when the application defines its own; {@code chaski.enabled=false} turns it all off.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnBooleanProperty(name = "chaski.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ChaskiProperties.class)
public class ChaskiAutoConfiguration {

	/** Node name when neither {@code chaski.node.name} nor {@code spring.application.name} is set. */
	static final String DEFAULT_NAME = "chaski";

	@Bean
	@ConditionalOnMissingBean
	ChaskiNode chaskiNode(ChaskiProperties properties, Environment environment,
			ObjectProvider<ChaskiNodeCustomizer> customizers) {
		ChaskiNode.Builder builder = ChaskiNode.builder();
		properties.applyTo(builder, environment.getProperty("spring.application.name", DEFAULT_NAME));
		customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
		return builder.build();
	}

	@Bean
	@ConditionalOnMissingBean
	PayloadCodec chaskiPayloadCodec(ObjectProvider<JsonMapper> jsonMapper) {
		return new DefaultPayloadCodec(jsonMapper.getIfAvailable(() -> JsonMapper.builder().findAndAddModules().build()));
	}

	/**
	 * The streamer's settings ({@code chaski.streamer.*}); a bean so an application can replace them alone. It
	 * backs off when the application brings its own streamer, which carries its own settings.
	 */
	@Bean
	@ConditionalOnMissingBean({ StreamerSettings.class, ChaskiStreamer.class })
	StreamerSettings chaskiStreamerSettings(ChaskiProperties properties) {
		return properties.streamerSettings();
	}

	@Bean
	@ConditionalOnMissingBean
	ChaskiStreamer chaskiStreamer(ChaskiNode node, StreamerSettings settings, PayloadCodec codec,
			ChaskiProperties properties, ObjectProvider<ChaskiMembership> membership) {
		ChaskiStreamer streamer = new ChaskiStreamer(node, settings, codec, properties.fileSettings());
		// pushFile reaches subscribers behind other nodes through what membership knows of them
		membership.ifAvailable(members -> streamer.files()
			.useDirectory(new MembershipDirectory(() -> members.membership().orElse(null))));
		return streamer;
	}

	@Bean
	@ConditionalOnMissingBean
	ChaskiLifecycle chaskiLifecycle(ChaskiNode node, ChaskiStreamer streamer) {
		return new ChaskiLifecycle(node, streamer);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "chaski.membership.enabled", matchIfMissing = true)
	ChaskiMembership chaskiMembership(ChaskiNode node, ChaskiProperties properties, ApplicationEventPublisher publisher) {
		return new ChaskiMembership(node, properties.membership(), properties.discovery().seeds(), publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty("chaski.discovery.multicast.enabled")
	ChaskiMulticastDiscovery chaskiMulticastDiscovery(ObjectProvider<ChaskiMembership> membership, ChaskiNode node,
			ChaskiProperties properties) {
		ChaskiMembership running = membership.getIfAvailable();
		if (running == null) {
			throw new IllegalStateException(
					"chaski.discovery.multicast.enabled=true needs membership (chaski.membership.enabled=true)");
		}
		return new ChaskiMulticastDiscovery(running, node, properties.discovery().multicast());
	}

	@Bean
	@ConditionalOnMissingBean
	ChaskiListenerRegistry chaskiListenerRegistry(ChaskiStreamer streamer, ChaskiProperties properties) {
		return new ChaskiListenerRegistry(streamer, properties.listener().concurrency(),
				properties.node().shutdownTimeout(), properties.listener().deliveryPolicy());
	}

	@Bean
	@ConditionalOnMissingBean
	static ChaskiListenerAnnotationBeanPostProcessor chaskiListenerAnnotationBeanPostProcessor() {
		return new ChaskiListenerAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	ConsumerBindingRegistrar chaskiConsumerBindingRegistrar(ChaskiProperties properties) {
		List<ConsumerBinding> bindings = properties.bindings().entrySet().stream()
			.map(entry -> new ConsumerBinding(entry.getKey(), entry.getValue().topics(), entry.getValue().concurrency()))
			.toList();
		return new ConsumerBindingRegistrar(bindings);
	}

	@Bean
	@ConditionalOnMissingBean
	FileEventBridge chaskiFileEventBridge(ChaskiStreamer streamer, ApplicationEventPublisher publisher) {
		return new FileEventBridge(streamer, publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "chaski.listener.events", matchIfMissing = true)
	MessageEventBridge chaskiMessageEventBridge(ChaskiListenerRegistry registry, ApplicationContext context) {
		return new MessageEventBridge(registry, context);
	}

}
