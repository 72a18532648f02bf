package io.chaski.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.chaski.node.ChaskiNode;
import io.chaski.wire.DefaultPayloadCodec;

import static org.awaitility.Awaitility.await;

/** Test services and a registry factory for the remote-call tests. */
final class RemoteFixture implements AutoCloseable {

	/** What the tests export. */
	interface Greeter {

		String greet(String name);

		String slow(long millis) throws InterruptedException;

		@ChaskiIdempotent
		String slowIdempotent(long millis) throws InterruptedException;

		CompletableFuture<String> later(String name);

		void fail(String message);

		int length(String text);

	}

	/** The same service seen through a wider interface than the one exported. */
	interface WiderGreeter extends Greeter {

		String secret();

	}

	/** Runs on the provider; names the node so tests see which provider answered. */
	static final class NamedGreeter implements WiderGreeter {

		private final String node;

		/** Slow calls end when the test counts this down, or after the time they were given. */
		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger calls = new AtomicInteger();

		NamedGreeter(String node) {
			this.node = node;
		}

		@Override
		public String greet(String name) {
			return "hello " + name + " from " + this.node;
		}

		@Override
		public String slow(long millis) throws InterruptedException {
			this.calls.incrementAndGet();
			this.release.await(millis, TimeUnit.MILLISECONDS);
			return this.node;
		}

		@Override
		public String slowIdempotent(long millis) throws InterruptedException {
			return slow(millis);
		}

		@Override
		public CompletableFuture<String> later(String name) {
			return CompletableFuture.supplyAsync(() -> greet(name));
		}

		@Override
		public void fail(String message) {
			throw new IllegalStateException(message);
		}

		@Override
		public int length(String text) {
			return text.length();
		}

		@Override
		public String secret() {
			return "not for peers";
		}

	}

	private final List<ChaskiRemoteRegistry> registries = new ArrayList<>();

	ChaskiRemoteRegistry registry(ChaskiNode node) {
		return registry(node, RemoteSettings.DEFAULTS);
	}

	ChaskiRemoteRegistry registry(ChaskiNode node, RemoteSettings settings) {
		ChaskiRemoteRegistry registry = new ChaskiRemoteRegistry(node, new DefaultPayloadCodec(), settings);
		this.registries.add(registry);
		return registry;
	}

	static void awaitOffers(ChaskiRemoteRegistry caller, String peerName, String service) {
		await(peerName + " offers " + service).atMost(Duration.ofSeconds(10))
			.until(() -> caller.remoteServices().getOrDefault(peerName, Set.of()).contains(service));
	}

	@Override
	public void close() {
		this.registries.forEach(ChaskiRemoteRegistry::close);
		this.registries.clear();
	}

}
