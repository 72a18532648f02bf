package io.chaski.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import io.chaski.node.NodeStartupException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node that cannot start fails the application with Spring Boot's "APPLICATION FAILED TO START" report naming
 * the property and the fix, and with nothing else worth reading: no Spring Integration ERROR, no stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class ChaskiStartupFailureAnalyzerTests {

	/**
	 * @param name what goes wrong
	 * @param properties the application's properties
	 * @param property the property the report must name
	 * @param problem a fragment of the description
	 * @param fix a fragment of the action
	 */
	record Failure(String name, List<String> properties, String property, String problem, String fix) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	static Stream<Failure> failures() {
		return Stream.of(
				new Failure("unresolvable host", List.of("chaski.node.host=no-such-host.invalid"), "chaski.node.host",
						"cannot listen on 'no-such-host.invalid': the name does not resolve",
						"Set chaski.node.host to an address of this machine"),
				new Failure("unresolvable advertised host", List.of("chaski.node.advertised-host=no-such-host.invalid"),
						"chaski.node.advertised-host", "cannot advertise 'no-such-host.invalid'",
						"Set chaski.node.advertised-host to the host name or IP address other nodes should dial"),
				new Failure("wildcard without secret", List.of("chaski.node.host=0.0.0.0"),
						"chaski.security.cluster-secret", "refuses to listen on 0.0.0.0 without a cluster secret",
						"chaski.security.protected-mode=false"));
	}

	@ParameterizedTest
	@MethodSource("failures")
	void theReportNamesThePropertyAndTheFix(Failure failure, CapturedOutput output) {
		assertFailsWithReport(failure, output);
	}

	@Test
	void aPortInUseNamesThePort(CapturedOutput output) throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			int port = taken.getLocalPort();
			assertFailsWithReport(new Failure("port in use", List.of("chaski.node.port=" + port), "chaski.node.port",
					"Cannot listen on 127.0.0.1:" + port + ": BindException: Address already in use",
					"set chaski.node.port to a free port"), output);
		}
	}

	@Test
	void theAnalysisOfAContextFailureKeepsTheCause() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ChaskiAutoConfiguration.class))
			.withPropertyValues("chaski.node.host=0.0.0.0")
			.run(context -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new ChaskiStartupFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getCause()).isInstanceOf(NodeStartupException.class);
				assertThat(analysis.getDescription()).endsWith("Property: chaski.security.cluster-secret");
				assertThat(analysis.getAction()).contains("chaski.security.cluster-secret")
					.contains("chaski.security.protected-mode=false");
			});
	}

	private static void assertFailsWithReport(Failure failure, CapturedOutput output) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "chaski.node.name=doomed")
			.properties(failure.properties().toArray(String[]::new));
		assertThatThrownBy(application::run).satisfies(ex -> assertThat(
				Stream.iterate(ex, Objects::nonNull, Throwable::getCause).anyMatch(NodeStartupException.class::isInstance))
			.as("caused by a NodeStartupException").isTrue());
		String report = output.getOut() + output.getErr();
		assertThat(report).contains("APPLICATION FAILED TO START")
			.contains("Property: " + failure.property())
			.contains(failure.problem())
			.contains(failure.fix());
		assertThat(report.lines().filter(line -> line.contains("ERROR") && !line.contains("LoggingFailureAnalysisReporter")))
			.as("ERROR lines besides the report").isEmpty();
		assertThat(report.lines().filter(line -> line.startsWith("\tat ")))
			.as("stack trace lines").isEmpty();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ChaskiAutoConfiguration.class)
	static class App {

	}

}
