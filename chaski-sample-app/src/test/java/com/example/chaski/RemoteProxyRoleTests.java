package com.example.chaski;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.chaski.node.ChaskiNode;
import io.chaski.remote.ChaskiRemoteRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app's remote-proxy role: a copy started with the {@code remote-proxy} profile exports
 * {@code temperature-tools}, and a main node calls it.
 */
class RemoteProxyRoleTests {

	@Test
	void theMainNodeCallsTheRemoteProxysService() {
		try (ConfigurableApplicationContext main = start(null, "--sample.demo-sensors=0")) {
			String seed = main.getBean(ChaskiNode.class).address().hostAndPort();
			try (ConfigurableApplicationContext proxyRole = start("remote-proxy", "--chaski.discovery.seeds=" + seed)) {
				assertThat(proxyRole.getBean(ChaskiRemoteRegistry.class).localServices())
					.containsOnlyKeys("temperature-tools");
				assertThat(main.getBean(ChaskiRemoteRegistry.class).localServices()).isEmpty();

				ChaskiRemoteRegistry remote = main.getBean(ChaskiRemoteRegistry.class);
				assertThat(remote.awaitProvider("temperature-tools", Duration.ofSeconds(15)).name())
					.isEqualTo("remote-proxy");
				TemperatureTools tools = remote.proxy("temperature-tools", TemperatureTools.class);
				assertThat(tools.toFahrenheit(100)).isEqualTo(212.0);
				assertThat(tools.summarize(List.of(new Reading("a", 20, Instant.now()), new Reading("b", 30, Instant.now()))))
					.isEqualTo(new TemperatureTools.Summary(2, 20, 30, 25));
			}
		}
	}

	private static ConfigurableApplicationContext start(String profile, String... args) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(SampleApplication.class)
			.web(WebApplicationType.NONE);
		if (profile != null) {
			builder.profiles(profile);
		}
		String[] all = new String[args.length + 2];
		all[0] = "--chaski.node.port=0";
		all[1] = "--chaski.keep-alive.interval=200ms";
		System.arraycopy(args, 0, all, 2, args.length);
		return builder.run(all);
	}

}
