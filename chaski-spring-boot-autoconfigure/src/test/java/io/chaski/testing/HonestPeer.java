package io.chaski.testing;

import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiSubscription;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A well-behaved node linked to the node under attack, sharing a topic with it: {@link #exchange()} proves that
 * the attacked node still reads, handles and writes for its other peers. Messages must arrive exactly, in
 * order: anything else on the topic (a forged message delivered or relayed) fails the exchange.
 */
public final class HonestPeer {

	private final TestNodes nodes;

	private final ChaskiNode node;

	private final ChaskiNode friend;

	private final String topic;

	private final ChaskiSubscription<String> atNode;

	private final ChaskiSubscription<String> atFriend;

	private int round;

	private HonestPeer(TestNodes nodes, ChaskiNode node, ChaskiNode friend, String topic) {
		this.nodes = nodes;
		this.node = node;
		this.friend = friend;
		this.topic = topic;
		this.atNode = nodes.streamer(node).subscribe(topic, String.class);
		this.atFriend = nodes.streamer(friend).subscribe(topic, String.class);
	}

	/**
	 * Starts a friend node, links it to {@code node} and subscribes both to the topic.
	 * @param nodes the fixture
	 * @param node the node under attack
	 * @param topic a topic nothing else publishes on
	 * @return the honest peer
	 */
	public static HonestPeer linkedTo(TestNodes nodes, ChaskiNode node, String topic) {
		HonestPeer honest = new HonestPeer(nodes, node, nodes.start("honest"), topic);
		TestNodes.connect(honest.friend, node);
		TestNodes.awaitKnowsTopic(node, honest.friend, topic);
		TestNodes.awaitKnowsTopic(honest.friend, node, topic);
		return honest;
	}

	/** @return the friend node */
	public ChaskiNode friend() {
		return this.friend;
	}

	/**
	 * One message each way. Each subscriber gets both (its own node's message is delivered locally too), in
	 * order, and nothing else.
	 */
	public void exchange() {
		this.round++;
		String fromNode = "from node " + this.round;
		String fromFriend = "from friend " + this.round;
		this.nodes.streamer(this.node).publish(this.topic, fromNode);
		assertThat(Receive.payloads(this.atFriend, 1)).as("what the friend received").containsExactly(fromNode);
		this.nodes.streamer(this.friend).publish(this.topic, fromFriend);
		assertThat(Receive.payloads(this.atNode, 2)).as("what the attacked node received")
			.containsExactly(fromNode, fromFriend);
		assertThat(Receive.payloads(this.atFriend, 1)).as("what the friend received").containsExactly(fromFriend);
	}

}
