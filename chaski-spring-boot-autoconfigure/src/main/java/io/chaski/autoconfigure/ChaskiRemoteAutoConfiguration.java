package io.chaski.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.chaski.annotation.ChaskiRemoteAnnotationBeanPostProcessor;
import io.chaski.annotation.ChaskiServiceExporter;
import io.chaski.membership.MemberEvent;
import io.chaski.node.ChaskiNode;
import io.chaski.remote.ChaskiRemoteRegistry;
import io.chaski.wire.PayloadCodec;

/**
 * Remote calls: the {@link ChaskiRemoteRegistry} ({@code chaski.remote.*}), {@code @ChaskiService} beans exported
 * through it, {@code @ChaskiRemote} proxies injected from it, and the {@code chaski.remote.*} meters when there is a
 * {@code MeterRegistry}. Providers are learnt from membership: every {@link ChaskiMemberEvent} reaches the
 * registry. Provider threads are virtual when {@code spring.threads.virtual.enabled} is set and the
 * JVM has them.
 */
@AutoConfiguration(after = ChaskiAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBean({ ChaskiNode.class, PayloadCodec.class })
public class ChaskiRemoteAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ChaskiRemoteRegistry chaskiRemoteRegistry(ChaskiNode node, PayloadCodec codec, ChaskiProperties properties,
			Environment environment) {
		boolean virtual = environment.getProperty("spring.threads.virtual.enabled", Boolean.class, false);
		return new ChaskiRemoteRegistry(node, codec, properties.remote().settings(virtual));
	}

	@Bean
	ProviderDiscovery chaskiProviderDiscovery(ChaskiRemoteRegistry registry) {
		return new ProviderDiscovery(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	static ChaskiRemoteAnnotationBeanPostProcessor chaskiRemoteAnnotationBeanPostProcessor() {
		return new ChaskiRemoteAnnotationBeanPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	ChaskiServiceExporter chaskiServiceExporter(ConfigurableListableBeanFactory beanFactory,
			ChaskiRemoteRegistry registry) {
		return new ChaskiServiceExporter(beanFactory, registry);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class RemoteMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ChaskiRemoteMetrics chaskiRemoteMetrics(ChaskiRemoteRegistry registry) {
			return new ChaskiRemoteMetrics(registry);
		}

	}

	/** Tells the registry about member changes: exported services travel in member metadata. */
	static final class ProviderDiscovery implements ApplicationListener<ChaskiMemberEvent> {

		private final ChaskiRemoteRegistry registry;

		ProviderDiscovery(ChaskiRemoteRegistry registry) {
			this.registry = registry;
		}

		@Override
		public void onApplicationEvent(ChaskiMemberEvent event) {
			this.registry.memberChanged(new MemberEvent(event.type(), event.member()));
		}

	}

}
