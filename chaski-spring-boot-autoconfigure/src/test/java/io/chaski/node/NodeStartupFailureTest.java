package io.chaski.node;

import java.net.InetAddress;
import java.net.ServerSocket;

import io.chaski.node.NodeStartupException.Setting;
import io.chaski.testing.LogCapture;
import io.chaski.testing.TestNodes;
import io.chaski.transport.TransportMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each start-up failure names the setting at fault, and is reported once: no ERROR line before it. */
class NodeStartupFailureTest {

	@RegisterExtension
	final LogCapture logs = new LogCapture();

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@ParameterizedTest
	@EnumSource(TransportMode.class)
	void aPortInUseNamesThePortWithTheReason(TransportMode mode) throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			ChaskiNode node = ChaskiNode.builder().name("late").transportMode(mode).port(taken.getLocalPort()).build();
			assertThatThrownBy(node::start).isInstanceOfSatisfying(NodeStartupException.class,
					ex -> assertThat(ex.setting()).isEqualTo(Setting.PORT))
				.hasMessageContaining("Cannot listen on 127.0.0.1:" + taken.getLocalPort())
				.hasMessageContaining("in use")
				.hasMessageEndingWith("(chaski.node.port)");
		}
		assertThat(this.logs.errors()).as("Spring Integration's own ERROR line with a stack trace").isEmpty();
	}

	@ParameterizedTest
	@EnumSource(TransportMode.class)
	void aServerThatBindsServesAndStopsLogsNoError(TransportMode mode) {
		ChaskiNode node = this.nodes.start(this.nodes.use("127.0.0.1", mode).builder("fine"));
		assertThat(node.isRunning()).isTrue();
		node.stop();
		assertThat(node.isRunning()).isFalse();
		assertThat(this.logs.errors()).isEmpty();
	}

	@Test
	void aBindHostThatDoesNotResolveNamesTheHost() {
		ChaskiNode node = ChaskiNode.builder().name("lost").bindHost("no-such-host.invalid").build();
		assertThatThrownBy(node::start).isInstanceOfSatisfying(NodeStartupException.class,
				ex -> assertThat(ex.setting()).isEqualTo(Setting.HOST))
			.hasMessageContaining("'no-such-host.invalid': the name does not resolve")
			.hasMessageEndingWith("(chaski.node.host)");
		assertThat(this.logs.errors()).isEmpty();
	}

	@Test
	void aBindAddressOfAnotherMachineNamesTheHost() {
		// TEST-NET-3 (RFC 5737): never assigned to a real interface
		ChaskiNode node = ChaskiNode.builder().name("elsewhere").bindHost("203.0.113.77").build();
		assertThatThrownBy(node::start).isInstanceOfSatisfying(NodeStartupException.class,
				ex -> assertThat(ex.setting()).isEqualTo(Setting.HOST))
			.hasMessageContaining("203.0.113.77 is not an address of this machine");
	}

	@Test
	void anAdvertisedHostThatDoesNotResolveNamesTheAdvertisedHost() {
		ChaskiNode node = ChaskiNode.builder().name("masked").advertisedHost("no-such-host.invalid").build();
		assertThatThrownBy(node::start).isInstanceOfSatisfying(NodeStartupException.class,
				ex -> assertThat(ex.setting()).isEqualTo(Setting.ADVERTISED_HOST))
			.hasMessageContaining("cannot advertise 'no-such-host.invalid'")
			.hasMessageEndingWith("(chaski.node.advertised-host)");
		assertThat(node.isRunning()).isFalse();
	}

}
