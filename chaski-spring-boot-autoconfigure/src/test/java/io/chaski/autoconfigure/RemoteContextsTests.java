package io.chaski.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.chaski.annotation.ChaskiRemote;
import io.chaski.annotation.ChaskiService;
import io.chaski.node.ChaskiNode;
import io.chaski.remote.ChaskiRemoteException;
import io.chaski.remote.ChaskiRemoteRegistry;
import io.chaski.remote.ChaskiServiceUnavailableException;
import io.chaski.remote.ChaskiTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two real application contexts on loopback: {@code @ChaskiRemote} proxies in one call a {@code @ChaskiService}
 * bean in the other.
 */
class RemoteContextsTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChaskiAutoConfiguration.class, ChaskiActuatorAutoConfiguration.class,
				ChaskiRemoteAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("chaski.node.port=0", "chaski.keep-alive.interval=200ms",
				"management.endpoints.web.exposure.include=chaski");

	@Test
	void proxiesCallTheServiceOfTheOtherContext() {
		this.runner.withUserConfiguration(Provider.class).withPropertyValues("chaski.node.name=provider")
			.run(provider -> this.runner.withUserConfiguration(Consumer.class)
				.withPropertyValues("chaski.node.name=consumer", "chaski.remote.timeout=5s",
						"chaski.discovery.seeds=provider@" + address(provider))
				.run(consumer -> {
					bind(provider);
					bind(consumer);
					consumer.getBean(ChaskiRemoteRegistry.class).awaitProvider("inventory", WAIT);
					Shop shop = consumer.getBean(Shop.class);

					// sync, records, generic collections, maps, Optional, byte[], nulls
					assertThat(shop.fieldInventory.find("apple")).isEqualTo(new Item("apple", "Apple", 3));
					assertThat(shop.fieldInventory.find("nothing")).isNull();
					assertThat(shop.inventory.all(List.of("pear", "apple"))).containsExactly(new Item("pear", "Pear", 0),
							new Item("apple", "Apple", 3));
					assertThat(shop.inventory.levels()).isEqualTo(Map.of("apple", List.of(3), "pear", List.of(0)));
					assertThat(shop.inventory.maybe("apple")).contains(new Item("apple", "Apple", 3));
					assertThat(shop.inventory.maybe("plum")).isEmpty();
					assertThat(shop.inventory.blob(new byte[] { 1, 2, 3 })).containsExactly(3, 2, 1);
					assertThat(shop.inventory.echo(null)).isNull();
					assertThat(shop.inventory.echo("kiwi")).isEqualTo("kiwi");
					assertThat(shop.inventory.count(null)).isEqualTo(2);

					// async: the future completes off the node's I/O threads
					CompletableFuture<Integer> count = shop.inventory.countAsync("a");
					assertThat(count.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
					List<String> threads = new CopyOnWriteArrayList<>();
					shop.inventory.countAsync("p").thenAccept(n -> threads.add(Thread.currentThread().getName()))
						.get(WAIT.toSeconds(), TimeUnit.SECONDS);
					assertThat(threads).singleElement().asString().doesNotContain("-io-");

					// void: success returns, failures still reach the caller with the remote type and message
					shop.inventory.reserve("apple", 2);
					assertThat(provider.getBean(InventoryService.class).reserved).containsExactly("apple:2");
					assertThatThrownBy(() -> shop.inventory.reserve("apple", -1))
						.isInstanceOf(ChaskiRemoteException.class)
						.hasMessageContaining("java.lang.IllegalArgumentException: quantity must be positive but was -1")
						.hasMessageContaining("provider");
					assertThat(shop.inventory.countAsync(null)).failsWithin(WAIT)
						.withThrowableOfType(ExecutionException.class)
						.withCauseInstanceOf(ChaskiRemoteException.class)
						.withMessageContaining("java.lang.NullPointerException");

					// the annotation's own timeout
					assertThatThrownBy(() -> shop.impatient.slow()).isInstanceOf(ChaskiTimeoutException.class)
						.hasMessageContaining("within 200 ms");

					Timer served = provider.getBean(MeterRegistry.class).find("chaski.remote.calls")
						.tags("side", "server", "service", "inventory", "method", "find", "outcome", "success").timer();
					assertThat(served).isNotNull();
					assertThat(served.count()).isEqualTo(2);
					Timer failed = consumer.getBean(MeterRegistry.class).find("chaski.remote.calls")
						.tags("side", "client", "method", "reserve", "outcome", "error").timer();
					assertThat(failed.count()).isOne();
					assertThat(consumer.getBean(MeterRegistry.class).find("chaski.remote.calls.in-flight")
						.tag("side", "client").gauge()).isNotNull();
				}));
	}

	@Test
	void onlyExportedServicesAndMethodsAreCallable() {
		this.runner.withUserConfiguration(Provider.class).withPropertyValues("chaski.node.name=provider")
			.run(provider -> this.runner.withPropertyValues("chaski.node.name=consumer",
					"chaski.discovery.seeds=provider@" + address(provider))
				.run(consumer -> {
					ChaskiRemoteRegistry remote = consumer.getBean(ChaskiRemoteRegistry.class);
					remote.awaitProvider("inventory", WAIT);

					assertThatThrownBy(() -> remote.proxy("inventory", Wider.class).restock())
						.isInstanceOf(ChaskiRemoteException.class)
						.hasMessageContaining("refused")
						.hasMessageContaining("has no method restock()");
					assertThatThrownBy(() -> remote.proxy("audit", Audit.class).entries())
						.isInstanceOf(ChaskiServiceUnavailableException.class)
						.hasMessageContaining("'audit'");
					assertThat(provider.getBean(InventoryService.class).restocked).isFalse();

					ChaskiEndpoint.ServicesReport services = consumer.getBean(ChaskiEndpoint.class).report().services();
					assertThat(services.remote()).isEqualTo(Map.of("provider", Set.of("inventory")));
					assertThat(provider.getBean(ChaskiEndpoint.class).report().services().local())
						.isEqualTo(Map.of("inventory", List.of(Inventory.class.getName())));
				}));
	}

	private static String address(AssertableApplicationContext context) {
		return context.getBean(ChaskiNode.class).address().hostAndPort();
	}

	/** What MetricsAutoConfiguration does in an application. */
	private static void bind(AssertableApplicationContext context) {
		context.getBean(ChaskiRemoteMetrics.class).bindTo(context.getBean(MeterRegistry.class));
	}

	/** An item in stock, sent as JSON. */
	record Item(String sku, String name, int quantity) {
	}

	/** The exported interface. */
	interface Inventory {

		Item find(String sku);

		List<Item> all(List<String> skus);

		Map<String, List<Integer>> levels();

		Optional<Item> maybe(String sku);

		byte[] blob(byte[] bytes);

		String echo(String text);

		int count(String prefix);

		CompletableFuture<Integer> countAsync(String prefix);

		void reserve(String sku, int quantity);

		String slow() throws InterruptedException;

	}

	/** More than the provider exports. */
	interface Wider extends Inventory {

		void restock();

	}

	/** Implemented by a bean that is not exported. */
	interface Audit {

		List<String> entries();

	}

	@ChaskiService("inventory")
	static class InventoryService implements Inventory {

		private final Map<String, Item> items = new TreeMap<>(
				Map.of("apple", new Item("apple", "Apple", 3), "pear", new Item("pear", "Pear", 0)));

		final List<String> reserved = new CopyOnWriteArrayList<>();

		volatile boolean restocked;

		@Override
		public Item find(String sku) {
			return this.items.get(sku);
		}

		@Override
		public List<Item> all(List<String> skus) {
			return skus.stream().map(this.items::get).toList();
		}

		@Override
		public Map<String, List<Integer>> levels() {
			Map<String, List<Integer>> levels = new TreeMap<>();
			this.items.forEach((sku, item) -> levels.put(sku, List.of(item.quantity())));
			return levels;
		}

		@Override
		public Optional<Item> maybe(String sku) {
			return Optional.ofNullable(this.items.get(sku));
		}

		@Override
		public byte[] blob(byte[] bytes) {
			byte[] reversed = new byte[bytes.length];
			for (int i = 0; i < bytes.length; i++) {
				reversed[i] = bytes[bytes.length - 1 - i];
			}
			return reversed;
		}

		@Override
		public String echo(String text) {
			return text;
		}

		@Override
		public int count(String prefix) {
			return (int) this.items.keySet().stream().filter(sku -> prefix == null || sku.startsWith(prefix)).count();
		}

		@Override
		public CompletableFuture<Integer> countAsync(String prefix) {
			return CompletableFuture.supplyAsync(() -> count(prefix.trim()));
		}

		@Override
		public void reserve(String sku, int quantity) {
			if (quantity <= 0) {
				throw new IllegalArgumentException("quantity must be positive but was " + quantity);
			}
			this.reserved.add(sku + ":" + quantity);
		}

		@Override
		public String slow() throws InterruptedException {
			new CountDownLatch(1).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			return "late";
		}

		/** Public, but not part of the exported interface. */
		public void restock() {
			this.restocked = true;
		}

	}

	static class AuditService implements Audit {

		@Override
		public List<String> entries() {
			return List.of("secret");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Provider {

		@Bean
		InventoryService inventoryService() {
			return new InventoryService();
		}

		@Bean
		AuditService auditService() {
			return new AuditService();
		}

	}

	/** Uses the service through a field and through a constructor parameter. */
	static class Shop {

		final Inventory inventory;

		@ChaskiRemote("inventory")
		Inventory fieldInventory;

		@ChaskiRemote(value = "${inventory.name:inventory}", timeout = "200ms")
		Inventory impatient;

		Shop(@ChaskiRemote("inventory") Inventory inventory) {
			this.inventory = inventory;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Consumer {

		@Bean
		Shop shop(@ChaskiRemote("inventory") Inventory inventory) {
			return new Shop(inventory);
		}

	}

}
