package io.chaski.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.chaski.node.NodeStartupException;

/**
 * Turns a node that could not start ({@link NodeStartupException}) into Spring Boot's "APPLICATION FAILED TO
 * START" report: what is wrong, the property at fault and how to fix it, instead of a stack trace. Registered in
 * {@code META-INF/spring.factories}.
 */
public class ChaskiStartupFailureAnalyzer extends AbstractFailureAnalyzer<NodeStartupException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NodeStartupException cause) {
		String property = cause.setting().property();
		String description = cause.problem() + ".\n\nProperty: " + property;
		return new FailureAnalysis(description, action(cause.setting()), cause);
	}

	private static String action(NodeStartupException.Setting setting) {
		return switch (setting) {
			case HOST -> "Set chaski.node.host to an address of this machine: 127.0.0.1 (this machine only, the "
					+ "default), 0.0.0.0 or :: (every interface), or the IP address or resolvable name of one "
					+ "interface.";
			case PORT -> "Stop the process that holds the port, or set chaski.node.port to a free port (0 picks any "
					+ "free one; give nodes that others seed from a fixed one). Ports below 1024 need privileges.";
			case ADVERTISED_HOST -> "Set chaski.node.advertised-host to the host name or IP address other nodes "
					+ "should dial to reach this one (behind NAT or in a container: the address seen from outside); "
					+ "a name must resolve on this machine too. Or listen on one address with chaski.node.host.";
			case CLUSTER_SECRET -> "Set the same secret on every node with chaski.security.cluster-secret (at "
					+ "least 16 characters, for example from the environment variable CHASKI_SECURITY_CLUSTERSECRET), "
					+ "or listen on loopback only (chaski.node.host=127.0.0.1), or, to run an open mesh on purpose, "
					+ "set chaski.security.protected-mode=false.";
		};
	}

}
