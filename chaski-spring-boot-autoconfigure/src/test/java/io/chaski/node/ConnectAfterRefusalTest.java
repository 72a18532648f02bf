package io.chaski.node;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A refused connect must not be remembered: once the address listens, the next connect dials it. (A refusal
 * used to complete the attempt inside the map's computeIfAbsent, whose clean-up then failed, so the old
 * failure was returned for good. It showed in about 8 of 20 repetitions.)
 */
class ConnectAfterRefusalTest {

	@RegisterExtension
	final TestNodes nodes = new TestNodes("127.0.0.1", TransportMode.BLOCKING);

	@RepeatedTest(20)
	void anAddressThatRefusedCanBeDialledAgainOnceItListens() throws Exception {
		int port = TestNodes.freePort();
		ChaskiNode dialler = this.nodes.start("dialler");
		assertThatThrownBy(() -> dialler.connect("127.0.0.1", port).get(5, TimeUnit.SECONDS))
			.isInstanceOf(ExecutionException.class);
		this.nodes.start(this.nodes.builder("target").port(port));
		PeerInfo peer = dialler.connect("127.0.0.1", port).get(5, TimeUnit.SECONDS);
		assertThat(peer.name()).isEqualTo("target");
	}

}
