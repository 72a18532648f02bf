package io.chaski.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

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
	void withoutAPathTheFileIsNamedAfterTheNodeUnderChaskiData() {
		this.runner.withPropertyValues("chaski.node.name=hall sensor/1")
			.run(context -> assertThat(context.getBean(ChaskiProperties.class).storage().settings("hall sensor/1").file())
				.isEqualTo(Path.of("chaski-data", "hall_sensor_1.db")));
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
				assertThat(meters.get("chaski.storage.claims.restored").functionCounter().count()).isZero();

				StorageReport report = context.getBean(ChaskiEndpoint.class).report().storage();
				assertThat(report.keys()).isEqualTo(1);
				assertThat(report.operations()).containsEntry("put", 1L).containsEntry("get", 1L);
				assertThat(report.replication()).as("replication is off by default").isNull();
			});
	}

	@Test
	void replicatingStoragesOfTwoContextsMergeTheirWritesWithHealthMetricsAndTheEndpoint() {
		ApplicationContextRunner replicating = this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("management.endpoints.web.exposure.include=health,chaski", "chaski.storage.enabled=true",
					"chaski.storage.replication.enabled=true",
					"chaski.storage.replication.tombstone-ttl=1h", "chaski.storage.replication.max-keys-per-message=64");
		replicating.withPropertyValues("chaski.node.name=one", "chaski.storage.path=" + this.directory.resolve("one.db"))
			.run(one -> replicating
				.withPropertyValues("chaski.node.name=two", "chaski.storage.path=" + this.directory.resolve("two.db"))
				.run(two -> {
					ChaskiStorage first = one.getBean(ChaskiStorage.class);
					ChaskiStorage second = two.getBean(ChaskiStorage.class);
					assertThat(first.isReplicating()).isTrue();
					assertThat(first.settings().replication().tombstoneTtl()).isEqualTo(Duration.ofHours(1));
					first.put("before-link", "a");
					ChaskiNode secondNode = two.getBean(ChaskiNode.class);
					secondNode.connect(one.getBean(ChaskiNode.class).address().hostAndPort()).get(10, TimeUnit.SECONDS);
					await().atMost(Duration.ofSeconds(30))
						.until(() -> second.contains("before-link") && second.stats().replication().applied() == 1);
					first.put("after-link", "b");
					first.delete("before-link");
					await().atMost(Duration.ofSeconds(30))
						.until(() -> second.contains("after-link") && !second.contains("before-link"));

					var health = two.getBean(ChaskiStorageHealthIndicator.class).health();
					assertThat(health.getDetails()).containsEntry("tombstones", 1L)
						.containsKeys("replicationLagP50Millis", "replicationLagP99Millis");
					MeterRegistry meters = two.getBean(MeterRegistry.class);
					two.getBean(ChaskiStorageMetrics.class).bindTo(meters);
					second.put("after-binding", "c");
					first.put("pushed-after-binding", "d");
					await().atMost(Duration.ofSeconds(30))
						.until(() -> meters.get("chaski.storage.replication.lag").timer().count() == 1);
					assertThat(meters.get("chaski.storage.replication.writes").tag("result", "applied")
						.functionCounter().count()).isEqualTo(4);
					assertThat(meters.get("chaski.storage.replication.anti-entropy.rounds").functionCounter().count())
						.isPositive();
					StorageReport.ReplicationReport report = two.getBean(ChaskiEndpoint.class).report().storage()
						.replication();
					assertThat(report.applied()).isEqualTo(4);
					assertThat(report.pushed()).as("its own put").isEqualTo(1);
				}));
	}

	/** A - B - C joined through B, which does not replicate: membership links A and C for replication. */
	@Test
	void replicatingMembersAreLinkedByMembershipPastANodeThatDoesNotReplicate() {
		ApplicationContextRunner fast = this.runner.withPropertyValues("chaski.membership.probe-interval=200ms",
				"chaski.membership.probe-timeout=100ms");
		fast.withPropertyValues("chaski.node.name=b").run(b -> {
			String seed = "chaski.discovery.seeds=" + b.getBean(ChaskiNode.class).address().hostAndPort();
			ApplicationContextRunner replicating = fast.withPropertyValues(seed, "chaski.storage.enabled=true",
					"chaski.storage.replication.enabled=true");
			replicating.withPropertyValues("chaski.node.name=a", "chaski.storage.path=" + this.directory.resolve("a.db"))
				.run(a -> replicating
					.withPropertyValues("chaski.node.name=c", "chaski.storage.path=" + this.directory.resolve("c.db"))
					.run(c -> {
						a.getBean(ChaskiStorage.class).put("from-a", "over a link membership made");
						await().atMost(Duration.ofSeconds(30))
							.until(() -> c.getBean(ChaskiStorage.class).contains("from-a"));
						assertThat(a.getBean(ChaskiNode.class).peer(c.getBean(ChaskiNode.class).id())).isPresent();
						assertThat(b).doesNotHaveBean(ChaskiStorage.class);
					}));
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
