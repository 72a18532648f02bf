package io.chaski.node;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeerAddressTest {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', nullValues = "-", textBlock = """
			127.0.0.1:7000              | -      | 127.0.0.1          | 7000  | 127.0.0.1:7000
			alpha@10.0.0.5:7001         | alpha  | 10.0.0.5           | 7001  | alpha@10.0.0.5:7001
			[::1]:7002                  | -      | ::1                | 7002  | [::1]:7002
			name@[fe80::1]:7003         | name   | fe80::1            | 7003  | name@[fe80::1]:7003
			[fe80::1%eth0]:7004         | -      | fe80::1%eth0       | 7004  | [fe80::1%eth0]:7004
			localhost:65535             | -      | localhost          | 65535 | localhost:65535
			node-1@chaski.example.org:1 | node-1 | chaski.example.org | 1     | node-1@chaski.example.org:1
			'  beta@host:80  '          | beta   | host               | 80    | beta@host:80
			""")
	void parses(String text, String name, String host, int port, String printed) {
		PeerAddress address = PeerAddress.parse(text);
		assertThat(address.name()).isEqualTo(name);
		assertThat(address.host()).isEqualTo(host);
		assertThat(address.port()).isEqualTo(port);
		assertThat(address.toString()).isEqualTo(printed);
		assertThat(PeerAddress.parse(address.toString())).isEqualTo(address);
	}

	@ParameterizedTest(name = "''{0}''")
	@ValueSource(strings = { "", "   ", "host", "host:", ":7000", "host:port", "host:70000", "host:0", "::1:7000",
			"[::1]", "[::1]7000", "a@b@c:1", "host:7000:1", "ho st:7000", "@host:1", "[]:1", "http://host:7000" })
	void rejectsJunkWithAClearMessage(String text) {
		assertThatThrownBy(() -> PeerAddress.parse(text)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageMatching("(Invalid node address .*expected host:port, name@host:port or \\[ipv6\\]:port"
					+ "|port must be 1\\.\\.65535 but was \\d+)");
	}

	@org.junit.jupiter.api.Test
	void rejectsNull() {
		assertThatThrownBy(() -> PeerAddress.parse(null)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("Invalid node address 'null'");
	}

}
