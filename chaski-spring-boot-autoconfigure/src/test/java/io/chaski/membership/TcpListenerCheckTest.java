package io.chaski.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The port check on real loopback sockets: only a refused connection counts. */
class TcpListenerCheckTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final TcpListenerCheck check = new TcpListenerCheck();

	@Test
	void aListeningPortIsNotRefusedAndTheSamePortClosedIs() throws Exception {
		int port;
		try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			port = listener.getLocalPort();
			// it never accepts, as a paused process would not: the kernel completes the handshakes into the backlog
			assertThat(this.check.refused(member("127.0.0.1", port), TIMEOUT)).isFalse();
			assertThat(this.check.refused(member("127.0.0.1", port), TIMEOUT)).isFalse();
		}
		assertThat(this.check.refused(member("127.0.0.1", port), TIMEOUT)).isTrue();
	}

	@Test
	void aMemberWithoutATcpAddressOrWithAnUnresolvableOneIsNotRefused() {
		assertThat(this.check.refused(member("", 0), TIMEOUT)).isFalse();
		assertThat(this.check.refused(member("127.0.0.1", 70_000), TIMEOUT)).isFalse();
		assertThat(this.check.refused(member("no-such-host.invalid", 7700), TIMEOUT)).isFalse();
	}

	private static Member member(String tcpHost, int tcpPort) {
		return new Member(UUID.randomUUID(), "m", "127.0.0.1", 1, MemberState.ALIVE, 0,
				new MemberMetadata(tcpHost, tcpPort, List.of(), false, ""));
	}

}
