package io.chaski.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.chaski.annotation.ChaskiListenerRegistry;
import io.chaski.node.ChaskiNode;
import io.chaski.remote.ChaskiRemoteRegistry;
import io.chaski.storage.ChaskiStorage;
import io.chaski.streamer.ChaskiStreamer;

/**
 * Actuator support for Chaski, each part only when its library is present: the {@code chaski} health
 * indicator ({@code management.health.chaski.enabled}), the {@code chaski} endpoint, and {@code chaski.*}
 * Micrometer meters (when the application has a {@code MeterRegistry}, as Actuator provides).
 */
@AutoConfiguration(after = ChaskiAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBean({ ChaskiNode.class, ChaskiStreamer.class })
public class ChaskiActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "chaskiHealthIndicator")
		@ConditionalOnEnabledHealthIndicator("chaski")
		ChaskiHealthIndicator chaskiHealthIndicator(ChaskiNode node, ObjectProvider<ChaskiMembership> membership) {
			return new ChaskiHealthIndicator(node, membership.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		ChaskiEndpoint chaskiEndpoint(ChaskiNode node, ChaskiStreamer streamer,
				ObjectProvider<ChaskiListenerRegistry> listeners, ObjectProvider<ChaskiStorage> storage,
				ObjectProvider<ChaskiRemoteRegistry> remote, ObjectProvider<ChaskiMembership> membership) {
			return new ChaskiEndpoint(node, streamer, listeners, storage, remote, membership);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ChaskiMetrics chaskiMetrics(ChaskiNode node, ChaskiStreamer streamer,
				ObjectProvider<ChaskiListenerRegistry> listeners) {
			return new ChaskiMetrics(node, streamer, listeners);
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(ChaskiMembership.class)
		ChaskiMembershipMetrics chaskiMembershipMetrics(ChaskiMembership membership) {
			return new ChaskiMembershipMetrics(membership);
		}

	}

}
