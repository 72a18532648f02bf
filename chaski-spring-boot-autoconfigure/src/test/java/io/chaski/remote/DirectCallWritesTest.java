package io.chaski.remote;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.chaski.node.ChaskiNode;
import io.chaski.remote.RemoteFixture.Greeter;
import io.chaski.remote.RemoteFixture.NamedGreeter;
import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.ChaskiSubscription;
import io.chaski.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.chaski.remote.RemoteFixture.awaitOffers;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blocking calls write their frames on the caller's thread when the link is idle, and the peer writer writes
 * everything else: on one busy link the two never mix up frames or reorder the published messages.
 */
class DirectCallWritesTest {

	private static final int MESSAGES = 20_000;

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	private final RemoteFixture remote = new RemoteFixture();

	@AfterEach
	void closeRegistries() {
		this.remote.close();
	}

	@Test
	void blockingCallsAndAStreamShareALinkWithoutLossOrReordering() throws Exception {
		ChaskiNode provider = this.nodes.start("provider");
		ChaskiNode client = this.nodes.start("client");
		this.remote.registry(provider).register("greeter", new NamedGreeter("provider"), Greeter.class);
		ChaskiRemoteRegistry calls = this.remote.registry(client);
		ChaskiStreamer providerStreamer = new ChaskiStreamer(provider);
		ChaskiStreamer clientStreamer = new ChaskiStreamer(client);
		try (ChaskiSubscription<byte[]> stream = providerStreamer.subscribe("stream", byte[].class)) {
			TestNodes.connect(client, provider);
			awaitOffers(calls, "provider", "greeter");
			TestNodes.awaitKnowsTopic(client, provider, "stream");
			Greeter greeter = calls.proxy("greeter", Greeter.class);

			CompletableFuture<Integer> reading = CompletableFuture.supplyAsync(() -> readInOrder(stream));
			CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < MESSAGES; i++) {
					clientStreamer.publish("stream", ByteBuffer.allocate(4).putInt(i).array());
				}
			});
			int answered = 0;
			while (!publishing.isDone() || answered < 100) {
				String text = "x".repeat(answered % 50);
				assertThat(greeter.length(text)).isEqualTo(text.length());
				answered++;
			}
			publishing.get(2, TimeUnit.MINUTES);
			assertThat(reading.get(2, TimeUnit.MINUTES)).as("messages received in order").isEqualTo(MESSAGES);
			assertThat(answered).isGreaterThanOrEqualTo(100);
		}
		finally {
			providerStreamer.close();
			clientStreamer.close();
		}
	}

	/** @return how many messages arrived in publishing order before the first gap, swap or 30 s of silence */
	private static int readInOrder(ChaskiSubscription<byte[]> stream) {
		for (int i = 0; i < MESSAGES; i++) {
			try {
				ChaskiMessage<byte[]> message = stream.poll(Duration.ofSeconds(30));
				if (message == null || ByteBuffer.wrap(message.payload()).getInt() != i) {
					return i;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return i;
			}
		}
		return MESSAGES;
	}

}
