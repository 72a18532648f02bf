package io.chaski.node;

import io.chaski.node.NodeStartupException.Setting;
import io.chaski.testing.LogCapture;
import io.chaski.testing.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node other machines can reach needs a cluster secret unless protected mode is off. The network-facing nodes
 * advertise 127.0.0.1 so that the test does not depend on this machine's interfaces (AdvertisedHostTest does).
 */
class ProtectedModeTest {

	private static final String OPEN_WARNING = "with protected mode off and no cluster secret";

	@RegisterExtension
	final LogCapture logs = new LogCapture();

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@Test
	void aWildcardBindWithoutASecretRefusesToStart() {
		ChaskiNode node = wildcard("exposed").build();
		assertThatThrownBy(node::start).isInstanceOfSatisfying(NodeStartupException.class,
				ex -> assertThat(ex.setting()).isEqualTo(Setting.CLUSTER_SECRET))
			.hasMessageContaining("refuses to listen on 0.0.0.0 without a cluster secret")
			.hasMessageContaining("protected mode")
			.hasMessageEndingWith("(chaski.security.cluster-secret)");
		assertThat(node.isRunning()).isFalse();
		assertThat(node.address()).as("refused before binding").isNull();
	}

	@Test
	void theOptOutStartsAndWarnsOnceThatTheMeshIsOpen() {
		ChaskiNode node = this.nodes.start(wildcard("open").protectedMode(false));
		assertThat(node.isRunning()).isTrue();
		assertThat(this.logs.messages(ch.qos.logback.classic.Level.WARN))
			.filteredOn(message -> message.contains(OPEN_WARNING))
			.singleElement()
			.satisfies(message -> assertThat(message).contains("open").contains("anyone who can reach the port"));
	}

	@Test
	void aSecretLetsAWildcardBindStartWithoutWarning() {
		ChaskiNode node = this.nodes.start(wildcard("guarded").clusterSecret("correct horse battery staple"));
		assertThat(node.isRunning()).isTrue();
		assertThat(this.logs.hasWarning(OPEN_WARNING)).isFalse();
	}

	@Test
	void loopbackNeedsNeitherSecretNorOptOut() {
		ChaskiNode ipv4 = this.nodes.start(this.nodes.builder("local"));
		ChaskiNode ipv6 = this.nodes.start(this.nodes.builder("local6").bindHost("::1"));
		assertThat(ipv4.isRunning()).isTrue();
		assertThat(ipv6.isRunning()).isTrue();
		assertThat(ipv4.settings().protectedMode()).isTrue();
		assertThat(this.logs.hasWarning(OPEN_WARNING)).isFalse();
	}

	private ChaskiNode.Builder wildcard(String name) {
		return this.nodes.builder(name).bindHost("0.0.0.0").advertisedHost("127.0.0.1");
	}

}
