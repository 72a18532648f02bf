package io.chaski.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.jdbc.core.dialect.JdbcH2Dialect;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import io.chaski.autoconfigure.app.Order;
import io.chaski.autoconfigure.app.OrderApplication;
import io.chaski.autoconfigure.app.OrderRepository;
import io.chaski.node.ChaskiNode;
import io.chaski.storage.ChaskiStorage;
import io.chaski.storage.SqliteDialect;
import io.chaski.storage.StorageSettings;
import io.chaski.wire.DefaultPayloadCodec;

/** {@link ChaskiStorageAutoConfiguration} in real application contexts, beside an application's own database. */
class ChaskiStorageAutoConfigurationTests {

	@TempDir
	Path directory;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChaskiAutoConfiguration.class, ChaskiActuatorAutoConfiguration.class,
				ChaskiStorageAutoConfiguration.class))
		.withPropertyValues("chaski.node.port=0", "chaski.node.name=store");

	private ApplicationContextRunner enabled() {
		return this.runner.withPropertyValues("chaski.storage.enabled=true",
				"chaski.storage.path=" + this.directory.resolve("store.db"));
	}

	@Test
	void storageIsOffByDefault() {
		this.runner.run(context -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(ChaskiStorage.class)
			.doesNotHaveBean(ChaskiStorageHealthIndicator.class));
	}

	@Test
	void enabledStorageWorksWithHealthMetricsAndTheEndpoint() {
		enabled().withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("management.endpoints.web.exposure.include=health,chaski",
					"chaski.storage.default-ttl=0s", "chaski.storage.max-key-length=20")
			.run(context -> {
				assertThat(context).hasNotFailed().hasSingleBean(ChaskiStorage.class);
				ChaskiStorage storage = context.getBean(ChaskiStorage.class);
				assertThat(storage.file()).isEqualTo(this.directory.resolve("store.db").toAbsolutePath());
				assertThat(storage.settings().maxKeyLength()).isEqualTo(20);
				storage.put("sensor/1", 21.5);
				assertThat(storage.get("sensor/1", Double.class)).contains(21.5);

				var health = context.getBean(ChaskiStorageHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("keys", 1L).containsKey("fileBytes");

				MeterRegistry meters = context.getBean(MeterRegistry.class);
				context.getBean(ChaskiStorageMetrics.class).bindTo(meters); // Boot's metrics auto-configuration would
				assertThat(meters.get("chaski.storage.operations").tag("kind", "put").functionCounter().count())
					.isEqualTo(1);
				assertThat(meters.get("chaski.storage.keys").gauge().value()).isEqualTo(1);

				StorageReport report = context.getBean(ChaskiEndpoint.class).report().storage();
				assertThat(report.keys()).isEqualTo(1);
				assertThat(report.operations()).containsEntry("put", 1L).containsEntry("get", 1L);
			});
	}

	@Test
	void theEndpointHasNoStorageSectionWhenStorageIsOff() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=chaski")
			.run(context -> assertThat(context.getBean(ChaskiEndpoint.class).report().storage()).isNull());
	}

	@Test
	void anApplicationStorageWins() {
		ChaskiNode other = ChaskiNode.builder().name("other").build();
		enabled().withBean("myStorage", ChaskiStorage.class,
				() -> ChaskiStorage.open(other, StorageSettings.of(this.directory.resolve("mine.db")),
						new DefaultPayloadCodec(), Clock.systemUTC()))
			.run(context -> assertThat(context).hasSingleBean(ChaskiStorage.class)
				.getBean(ChaskiStorage.class)
				.extracting(ChaskiStorage::file)
				.isEqualTo(this.directory.resolve("mine.db").toAbsolutePath()));
	}

	@Test
	void withoutSqliteOnTheClasspathStorageBacksOff() {
		enabled().withClassLoader(new FilteredClassLoader(SQLiteDataSource.class))
			.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ChaskiStorage.class));
	}

	@Test
	void theApplicationsOwnDatabaseKeepsWorkingBesideIt() {
		enabled().withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				DataJdbcRepositoriesAutoConfiguration.class))
			.withUserConfiguration(OrderApplication.class)
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:app;DB_CLOSE_DELAY=-1")
			.run(context -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(DataSource.class)
					.hasSingleBean(JdbcTemplate.class)
					.hasSingleBean(PlatformTransactionManager.class)
					.hasSingleBean(ChaskiStorage.class);
				assertThat(context.getBean(DataSource.class).getConnection().getMetaData().getURL())
					.startsWith("jdbc:h2:mem:app");
				assertThat(context.getBean(JdbcDialect.class)).isInstanceOf(JdbcH2Dialect.class);
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				jdbc.execute("CREATE TABLE \"orders\" (ID BIGINT AUTO_INCREMENT PRIMARY KEY, ITEM VARCHAR(100))");
				OrderRepository orders = context.getBean(OrderRepository.class);
				orders.save(new Order(null, "tea"));
				context.getBean(ChaskiStorage.class).put("k", "v");
				assertThat(orders.findAll()).extracting(Order::item).containsExactly("tea");
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM \"orders\"", Integer.class)).isEqualTo(1);
				assertThat(context.getBean(ChaskiStorage.class).get("k", String.class)).contains("v");
			});
	}

	@Test
	void anApplicationsOwnSqliteDatabaseGetsTheSqliteDialect() {
		this.runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				DataJdbcRepositoriesAutoConfiguration.class))
			.withUserConfiguration(OrderApplication.class)
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.directory.resolve("app.db"),
					"spring.datasource.driver-class-name=org.sqlite.JDBC")
			.run(context -> assertThat(context).hasNotFailed()
				.getBean(JdbcDialect.class)
				.isSameAs(SqliteDialect.INSTANCE));
	}

}
