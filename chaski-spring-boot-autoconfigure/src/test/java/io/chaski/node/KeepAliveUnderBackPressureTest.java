package io.chaski.node;

import java.time.Duration;

import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.ChaskiSubscription;
import io.chaski.streamer.DeliveryPolicy;
import io.chaski.streamer.StreamerSettings;
import io.chaski.testing.TestNodes;
import io.chaski.wire.DefaultPayloadCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscriber that stops reading holds its node's reader on the link (lossless back-pressure), so neither side
 * reads the other's pongs for a while. Keep-alive must not take that for a dead peer: both nodes stay linked for
 * many keep-alive periods, and every message arrives once the reader moves again.
 */
class KeepAliveUnderBackPressureTest {

	private static final int MESSAGES = 200;

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@Test
	void aHeldReaderDoesNotMakeEitherSideLookDead() throws Exception {
		ChaskiNode publisher = this.nodes.start("publisher");
		ChaskiNode consumer = this.nodes.start("consumer", "t");
		StreamerSettings settings = new StreamerSettings(16, 65_536, 100, Duration.ofSeconds(60), 10)
			.withDelivery(DeliveryPolicy.WAIT, Duration.ofSeconds(60));
		ChaskiStreamer atConsumer = new ChaskiStreamer(consumer, settings, new DefaultPayloadCodec());
		ChaskiSubscription<String> subscription = atConsumer.subscribe("t", String.class);
		TestNodes.connect(publisher, consumer);
		TestNodes.awaitKnowsTopic(publisher, consumer, "t");
		ChaskiStreamer atPublisher = this.nodes.streamer(publisher);
		for (int i = 0; i < MESSAGES; i++) {
			atPublisher.publish("t", "m" + i); // the subscription holds 10: the consumer's reader now waits
		}

		// keep-alive is 500 ms with 3 misses allowed in TestNodes: 4 s is more than five detection periods
		await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8))
			.until(() -> publisher.peers().size() == 1 && consumer.peers().size() == 1);
		for (int i = 0; i < MESSAGES; i++) {
			ChaskiMessage<String> message = subscription.poll(Duration.ofSeconds(10));
			assertThat(message).as("message %d", i).isNotNull();
			assertThat(message.payload()).isEqualTo("m" + i);
		}
		assertThat(publisher.stats().reconnects()).isZero();
		atConsumer.close();
	}

}
