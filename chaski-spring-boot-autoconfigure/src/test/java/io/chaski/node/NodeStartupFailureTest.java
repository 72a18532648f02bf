package io.chaski.node;

import java.net.InetAddress;
import java.net.ServerSocket;

import io.chaski.transport.TransportException;
import io.chaski.transport.TransportMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeStartupFailureTest {

	@ParameterizedTest
	@EnumSource(TransportMode.class)
	void aPortInUseFailsStartWithTheReason(TransportMode mode) throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			ChaskiNode node = ChaskiNode.builder().name("late").transportMode(mode).port(taken.getLocalPort()).build();
			assertThatThrownBy(node::start).isInstanceOf(TransportException.class)
				.hasMessageContaining("Cannot listen on 127.0.0.1:" + taken.getLocalPort())
				.hasMessageContaining("in use");
		}
	}

}
