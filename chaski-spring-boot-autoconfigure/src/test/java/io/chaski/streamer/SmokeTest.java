package io.chaski.streamer;

import java.time.Duration;

import io.chaski.node.ChaskiNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {

	@Test
	void twoNodesExchangeAMessage() throws Exception {
		try (ChaskiNode a = ChaskiNode.builder().name("a").build().start();
				ChaskiNode b = ChaskiNode.builder().name("b").build().start()) {
			ChaskiStreamer sa = new ChaskiStreamer(a);
			ChaskiStreamer sb = new ChaskiStreamer(b);
			ChaskiSubscription<String> sub = sb.subscribe("t", String.class);
			a.connect(b.address().hostAndPort()).get();
			org.awaitility.Awaitility.await().until(() -> a.peers().size() == 1 && b.peers().size() == 1
					&& a.peers().get(0).subscriptions().contains("t"));
			sa.publish("t", "hello");
			assertThat(sub.poll(Duration.ofSeconds(5)).payload()).isEqualTo("hello");
			assertThat(a.ping(b.id(), 0).get()).isPositive();
		}
	}

}
