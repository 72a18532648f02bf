package io.chaski.node;

import io.chaski.streamer.ChaskiStreamer;
import io.chaski.testing.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * A publish that races with a peer leaving: the edge is closed while routing still lists it. The peer is gone,
 * so the publish succeeds for the peers that are left instead of failing with "full outbound queue".
 */
class PublishToClosingEdgeTest {

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@Test
	void theOnlyPeerClosingDoesNotFailThePublish() {
		ChaskiNode publisher = this.nodes.start("publisher");
		ChaskiNode leaving = this.nodes.start("leaving", "t");
		TestNodes.connect(publisher, leaving);
		TestNodes.awaitKnowsTopic(publisher, leaving, "t");
		ChaskiStreamer streamer = this.nodes.streamer(publisher);
		publisher.edges().get(0).close(); // what a lost connection does first, before the registry drops the edge

		assertThatNoException().isThrownBy(() -> streamer.publish("t", "to nobody left"));
	}

	@Test
	void aClosedEdgeAmongOthersIsSkipped() {
		ChaskiNode publisher = this.nodes.start("publisher");
		ChaskiNode leaving = this.nodes.start("leaving", "t");
		ChaskiNode staying = this.nodes.start("staying", "t");
		TestNodes.connect(publisher, leaving);
		TestNodes.connect(publisher, staying);
		TestNodes.awaitKnowsTopic(publisher, leaving, "t");
		TestNodes.awaitKnowsTopic(publisher, staying, "t");
		ChaskiStreamer streamer = this.nodes.streamer(publisher);
		ChaskiStreamer receiver = this.nodes.streamer(staying);
		Edge closing = publisher.edges().stream().filter(edge -> edge.nodeId().equals(leaving.id())).findFirst()
			.orElseThrow();
		closing.close(); // what a lost connection does first, before the registry drops the edge

		assertThatNoException().isThrownBy(() -> streamer.publish("t", "to the one still here"));
		assertThatNoException().isThrownBy(() -> streamer.publish("t", "and again"));
		await().atMost(TestNodes.SETTLE).untilAsserted(() -> assertThat(receiver.stats().received()).isEqualTo(2));
	}

}
