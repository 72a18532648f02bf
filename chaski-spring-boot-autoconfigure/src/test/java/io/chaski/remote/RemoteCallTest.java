package io.chaski.remote;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.chaski.node.ChaskiNode;
import io.chaski.remote.RemoteFixture.Greeter;
import io.chaski.remote.RemoteFixture.NamedGreeter;
import io.chaski.remote.RemoteFixture.WiderGreeter;
import io.chaski.testing.RawPeer;
import io.chaski.testing.TestNodes;
import io.chaski.wire.DefaultPayloadCodec;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.chaski.remote.RemoteFixture.awaitOffers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Remote calls between engine nodes on loopback: deny by default, hostile invocations, timeouts, providers that
 * die, several providers, nobody providing, a flood.
 */
class RemoteCallTest {

	private static final Duration LONG = Duration.ofMinutes(2);

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	private final RemoteFixture remote = new RemoteFixture();

	private final List<NamedGreeter> greeters = new ArrayList<>();

	@AfterEach
	void closeRegistries() {
		this.greeters.forEach(greeter -> greeter.release.countDown());
		this.remote.close();
	}

	private NamedGreeter provide(ChaskiRemoteRegistry registry, String node) {
		NamedGreeter greeter = new NamedGreeter(node);
		this.greeters.add(greeter);
		registry.register("greeter", greeter, Greeter.class);
		return greeter;
	}

	@Test
	void onlyTheExportedInterfaceIsCallable() {
		ChaskiNode provider = this.nodes.start("provider");
		ChaskiNode client = this.nodes.start("client");
		provide(this.remote.registry(provider), "provider");
		ChaskiRemoteRegistry calls = this.remote.registry(client);
		TestNodes.connect(client, provider);
		awaitOffers(calls, "provider", "greeter");

		assertThat(calls.proxy("greeter", Greeter.class).greet("ann")).isEqualTo("hello ann from provider");
		WiderGreeter wider = calls.proxy("greeter", WiderGreeter.class);
		assertThatThrownBy(wider::secret).isInstanceOf(ChaskiRemoteException.class)
			.hasMessageContaining("refused")
			.hasMessageContaining("has no method secret()")
			.hasMessageContaining(Greeter.class.getName());
		assertThatThrownBy(() -> calls.proxy("greeter", Greeter.class).fail("boom"))
			.isInstanceOf(ChaskiRemoteException.class)
			.hasMessageContaining("java.lang.IllegalStateException: boom")
			.hasMessageContaining("provider")
			.satisfies(ex -> assertThat(((ChaskiRemoteException) ex).remoteType())
				.isEqualTo(IllegalStateException.class.getName()));
	}

	@Test
	void unknownServicesAndObjectMethodsAreRefusedByTheProvider() {
		ChaskiNode provider = this.nodes.start("provider");
		provide(this.remote.registry(provider), "provider");
		try (RawPeer peer = RawPeer.connect(provider)) {
			peer.handshake("raw", List.of());
			Envelope unknown = call(peer, "admin", "greet(java.lang.String)", new byte[] { 0 });
			Envelope getClass = call(peer, "greeter", "getClass()", new byte[] { 0 });
			Envelope wait = call(peer, "greeter", "wait()", new byte[] { 0 });
			Map<Long, String> failures = failures(peer, 3);
			assertThat(failures.get(unknown.id())).contains("refused").contains("no service 'admin'");
			assertThat(failures.get(getClass.id())).contains("refused").contains("has no method getClass()");
			assertThat(failures.get(wait.id())).contains("refused").contains("has no method wait()");
		}
	}

	@Test
	void aSlowCallHoldsUpNoCallThatCameInTheSameFrame() {
		ChaskiNode provider = this.nodes.start("provider");
		NamedGreeter greeter = provide(this.remote.registry(provider), "provider");
		try (RawPeer peer = RawPeer.connect(provider)) {
			peer.handshake("raw", List.of());
			DefaultPayloadCodec codec = new DefaultPayloadCodec();
			Envelope slow = new Envelope(EnvelopeKind.CALL, peer.id(), peer.nextId(), 1, System.currentTimeMillis(),
					"greeter", Map.of(RemoteHeaders.METHOD, "slow(long)"), Values.encode(codec, 600_000L));
			Envelope fast = new Envelope(EnvelopeKind.CALL, peer.id(), peer.nextId(), 1, System.currentTimeMillis(),
					"greeter", Map.of(RemoteHeaders.METHOD, "greet(java.lang.String)"), Values.encode(codec, "ann"));
			peer.send(slow, fast); // one frame: the provider hands both over together
			Envelope first = peer.next(EnvelopeKind.RESULT, Duration.ofSeconds(10));
			assertThat(first).as("the fast call's answer while the slow one runs").isNotNull();
			assertThat(first.id()).isEqualTo(fast.id());
			greeter.release.countDown();
			Envelope second = peer.next(EnvelopeKind.RESULT, Duration.ofSeconds(10));
			assertThat(second).isNotNull();
			assertThat(second.id()).isEqualTo(slow.id());
		}
	}

	@Test
	void malformedAndOversizedInvocationsAreRejectedWithoutHarmingOthers() {
		ChaskiNode provider = this.nodes.start(this.nodes.builder("provider").maxFrameBytes(64 * 1024));
		ChaskiNode client = this.nodes.start(this.nodes.builder("client").maxFrameBytes(64 * 1024));
		provide(this.remote.registry(provider), "provider");
		ChaskiRemoteRegistry calls = this.remote.registry(client);
		TestNodes.connect(client, provider);
		awaitOffers(calls, "provider", "greeter");
		Greeter greeter = calls.proxy("greeter", Greeter.class);
		try (RawPeer peer = RawPeer.connect(provider)) {
			peer.handshake("raw", List.of());
			// a value claiming 2 GB, one with no bytes at all, and the wrong number of arguments
			Envelope huge = call(peer, "greeter", "greet(java.lang.String)",
					new byte[] { 1, 1, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff });
			Envelope truncated = call(peer, "greeter", "greet(java.lang.String)", new byte[0]);
			Envelope count = call(peer, "greeter", "greet(java.lang.String)", new byte[] { 3, 0, 0, 0 });
			Envelope notANumber = call(peer, "greeter", "slow(long)",
					Values.encode(new DefaultPayloadCodec(), Map.of("not", "text")));
			Map<Long, String> failures = failures(peer, 4);
			assertThat(failures.get(huge.id())).contains("malformed").contains("claims 2147483647 bytes");
			assertThat(failures.get(truncated.id())).contains("malformed").contains("ends early");
			assertThat(failures.get(count.id())).contains("malformed").contains("expected 1 values but got 3");
			assertThat(failures.get(notANumber.id())).contains("malformed").contains("is not a long");
			assertThat(greeter.greet("bob")).isEqualTo("hello bob from provider");

			// an invocation frame over the limit costs its sender the connection, nobody else anything
			byte[] big = new byte[128 * 1024];
			try {
				peer.sendBytes(RawPeer.frame(new Envelope(EnvelopeKind.CALL, peer.id(), peer.nextId(), 1, 0L,
						"greeter", Map.of(RemoteHeaders.METHOD, "greet(java.lang.String)"), big)));
			}
			catch (UncheckedIOException closedWhileSending) {
				// the node refuses the frame at its header and may close before it took every byte
			}
			assertThat(peer.awaitClosedByNode(Duration.ofSeconds(10))).isTrue();
		}
		assertThat(greeter.greet("carol")).isEqualTo("hello carol from provider");
		// arguments that cannot fit in a frame are refused before they are sent
		String tooLong = "x".repeat(100 * 1024);
		assertThatThrownBy(() -> greeter.greet(tooLong)).isInstanceOf(ChaskiRemoteException.class)
			.hasMessageContaining("too large");
	}

	@Test
	void aSlowMethodHitsTheTimeout() {
		ChaskiNode provider = this.nodes.start("provider");
		ChaskiNode client = this.nodes.start("client");
		provide(this.remote.registry(provider), "provider");
		ChaskiRemoteRegistry calls = this.remote.registry(client);
		TestNodes.connect(client, provider);
		awaitOffers(calls, "provider", "greeter");
		Greeter impatient = calls.proxy("greeter", Greeter.class, Duration.ofMillis(300));

		assertThatThrownBy(() -> impatient.slow(LONG.toMillis())).isInstanceOf(ChaskiTimeoutException.class)
			.hasMessageContaining("within 300 ms")
			.hasMessageContaining("provider");
		assertThat(calls.pendingCalls()).isZero();
	}

	@Test
	void aProviderThatDiesFailsItsCallsPromptly() throws Exception {
		ChaskiNode provider = this.nodes.start("provider");
		ChaskiNode client = this.nodes.start("client");
		ChaskiRemoteRegistry served = this.remote.registry(provider);
		NamedGreeter greeter = provide(served, "provider");
		ChaskiRemoteRegistry calls = this.remote.registry(client);
		TestNodes.connect(client, provider);
		awaitOffers(calls, "provider", "greeter");
		Greeter patient = calls.proxy("greeter", Greeter.class, LONG);

		CompletableFuture<String> call = CompletableFuture
			.supplyAsync(() -> unchecked(() -> patient.slow(LONG.toMillis())));
		await().atMost(Duration.ofSeconds(10)).until(() -> greeter.calls.get() == 1);
		provider.stop();
		served.close();

		// failed long before the two-minute timeout, with the reason
		assertThatThrownBy(() -> call.get(LONG.toSeconds() / 2, TimeUnit.SECONDS))
			.isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(ChaskiRemoteException.class)
			.isNotInstanceOf(ChaskiTimeoutException.class)
			.hasMessageContaining("disconnected");
		assertThat(calls.remoteServices()).isEmpty();
	}

	@Test
	void loadSpreadsOverTwoProvidersAndContinuesOnTheSurvivor() throws Exception {
		ChaskiNode one = this.nodes.start("one");
		ChaskiNode two = this.nodes.start("two");
		ChaskiNode client = this.nodes.start("client");
		ChaskiRemoteRegistry servedByOne = this.remote.registry(one);
		NamedGreeter first = provide(servedByOne, "one");
		NamedGreeter second = provide(this.remote.registry(two), "two");
		ChaskiRemoteRegistry calls = this.remote.registry(client);
		TestNodes.connect(client, one);
		TestNodes.connect(client, two);
		awaitOffers(calls, "one", "greeter");
		awaitOffers(calls, "two", "greeter");
		Greeter greeter = calls.proxy("greeter", Greeter.class, LONG);

		// four calls at once that each wait until released: the fewest-in-flight rule puts two on each
		List<CompletableFuture<String>> slow = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			slow.add(CompletableFuture.supplyAsync(() -> unchecked(() -> greeter.slow(LONG.toMillis()))));
			int sent = i + 1;
			await().atMost(Duration.ofSeconds(10)).until(() -> first.calls.get() + second.calls.get() == sent);
		}
		assertThat(first.calls.get()).isEqualTo(2);
		assertThat(second.calls.get()).isEqualTo(2);
		first.release.countDown();
		second.release.countDown();
		assertThat(slow.stream().map(CompletableFuture::join)).containsExactlyInAnyOrder("one", "one", "two", "two");

		one.stop();
		servedByOne.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> !calls.remoteServices().containsKey("one"));
		for (int i = 0; i < 5; i++) {
			assertThat(greeter.greet("dan")).isEqualTo("hello dan from two");
		}
	}

	@Test
	void anIdempotentCallFailsOverWhenItsProviderDies() throws Exception {
		ChaskiNode one = this.nodes.start("one");
		ChaskiNode two = this.nodes.start("two");
		ChaskiNode client = this.nodes.start("client");
		ChaskiRemoteRegistry calls = this.remote.registry(client);
		ChaskiRemoteRegistry servedByOne = this.remote.registry(one);
		NamedGreeter first = provide(servedByOne, "one");
		TestNodes.connect(client, one);
		awaitOffers(calls, "one", "greeter");
		Greeter greeter = calls.proxy("greeter", Greeter.class, LONG);
		CompletableFuture<String> call = CompletableFuture
			.supplyAsync(() -> unchecked(() -> greeter.slowIdempotent(LONG.toMillis())));
		await().atMost(Duration.ofSeconds(10)).until(() -> first.calls.get() == 1);
		NamedGreeter second = provide(this.remote.registry(two), "two");
		second.release.countDown();
		TestNodes.connect(client, two);
		awaitOffers(calls, "two", "greeter");
		one.stop();
		servedByOne.close();

		assertThat(call.get(LONG.toSeconds(), TimeUnit.SECONDS)).isEqualTo("two");
	}

	@Test
	void aServiceNobodyProvidesFailsFast() {
		ChaskiNode client = this.nodes.start("client");
		ChaskiNode other = this.nodes.start("other");
		ChaskiRemoteRegistry calls = this.remote.registry(client);
		provide(this.remote.registry(other), "other");
		TestNodes.connect(client, other);
		awaitOffers(calls, "other", "greeter");

		Greeter nobody = calls.proxy("nobody", Greeter.class, LONG);
		assertThatThrownBy(() -> nobody.greet("eve")).isInstanceOf(ChaskiServiceUnavailableException.class)
			.hasMessageContaining("'nobody'");
		assertThat(nobody.later("eve")).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(ChaskiServiceUnavailableException.class);
		assertThatThrownBy(() -> calls.awaitProvider("nobody", Duration.ofMillis(200)))
			.isInstanceOf(ChaskiServiceUnavailableException.class);
		assertThat(calls.awaitProvider("greeter", Duration.ofSeconds(10)).name()).isEqualTo("other");
	}

	@Test
	void aFloodGetsBusyErrorsAndTheProviderRecovers() {
		ChaskiNode provider = this.nodes.start("provider");
		ChaskiNode client = this.nodes.start("client");
		NamedGreeter greeter = provide(this.remote.registry(provider, new RemoteSettings(Duration.ofSeconds(10), 2, 2,
				1000, false)), "provider");
		ChaskiRemoteRegistry calls = this.remote.registry(client);
		TestNodes.connect(client, provider);
		awaitOffers(calls, "provider", "greeter");
		Greeter proxy = calls.proxy("greeter", Greeter.class, LONG);

		List<CompletableFuture<String>> flood = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			flood.add(CompletableFuture.supplyAsync(() -> unchecked(() -> proxy.slow(LONG.toMillis()))));
		}
		await().atMost(Duration.ofSeconds(20))
			.until(() -> flood.stream().filter(CompletableFuture::isCompletedExceptionally).count() == 16);
		assertThat(flood.stream().filter(CompletableFuture::isCompletedExceptionally).map(f -> f.handle((v, e) -> e)
			.join()
			.getCause()
			.getMessage())).allMatch(message -> message.contains("busy"));
		greeter.release.countDown();
		assertThat(flood.stream().filter(f -> !f.isCompletedExceptionally()).map(CompletableFuture::join))
			.containsOnly("provider")
			.hasSize(4);
		assertThat(proxy.greet("fay")).isEqualTo("hello fay from provider");
	}

	/** Runs a blocking call whose only checked exception is an interrupt (for calls made on another thread). */
	private static String unchecked(InterruptibleCall call) {
		try {
			return call.call();
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@FunctionalInterface
	private interface InterruptibleCall {

		String call() throws InterruptedException;

	}

	private static Envelope call(RawPeer peer, String service, String method, byte[] payload) {
		Envelope call = new Envelope(EnvelopeKind.CALL, peer.id(), peer.nextId(), 1, System.currentTimeMillis(),
				service, Map.of(RemoteHeaders.METHOD, method), payload);
		peer.send(call);
		return call;
	}

	/** The next {@code count} failure reports, by call id (calls run in parallel, so answers come in any order). */
	private static Map<Long, String> failures(RawPeer peer, int count) {
		Map<Long, String> byId = new HashMap<>();
		for (int i = 0; i < count; i++) {
			Envelope answer = peer.next(EnvelopeKind.CALL_FAILED, Duration.ofSeconds(10));
			assertThat(answer).as("failure report " + (i + 1) + " of " + count).isNotNull();
			CallFailure failure = CallFailure.read(answer.payload());
			byId.put(answer.id(), failure.reason() + ": " + failure.message() + " @" + failure.node());
		}
		return byId;
	}


}
