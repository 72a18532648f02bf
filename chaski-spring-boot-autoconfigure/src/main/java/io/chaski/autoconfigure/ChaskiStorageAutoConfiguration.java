package io.chaski.autoconfigure;

import java.time.Clock;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.jdbc.repository.support.JdbcRepositoryFactory;

import io.chaski.node.ChaskiNode;
import io.chaski.storage.ChaskiStorage;
import io.chaski.wire.PayloadCodec;

/**
 * Auto-configures {@link ChaskiStorage} when {@code chaski.storage.enabled=true}, with its health indicator
 * ({@code chaskiStorage}) and {@code chaski.storage.*} meters. The storage's DataSource, JDBC template,
 * transaction manager and repository live inside it and are not beans: the application's own
 * {@code spring.datasource} and repositories are untouched.
 */
@AutoConfiguration(after = ChaskiAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ SQLiteDataSource.class, JdbcRepositoryFactory.class, HikariDataSource.class })
@ConditionalOnBooleanProperty("chaski.storage.enabled")
@ConditionalOnBean(ChaskiNode.class)
public class ChaskiStorageAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ChaskiStorage chaskiStorage(ChaskiNode node, PayloadCodec codec, ChaskiProperties properties) {
		return ChaskiStorage.open(node, properties.storage().settings(node.name()), codec, Clock.systemUTC());
	}

	// the nested configurations need no condition on the storage bean: the outer conditions already hold for them
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class StorageHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "chaskiStorageHealthIndicator")
		ChaskiStorageHealthIndicator chaskiStorageHealthIndicator(ChaskiStorage storage) {
			return new ChaskiStorageHealthIndicator(storage);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class StorageMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ChaskiStorageMetrics chaskiStorageMetrics(ChaskiNode node, ChaskiStorage storage) {
			return new ChaskiStorageMetrics(node.name(), storage);
		}

	}

}
