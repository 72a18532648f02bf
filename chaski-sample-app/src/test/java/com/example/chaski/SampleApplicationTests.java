package com.example.chaski;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import io.chaski.node.ChaskiNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app over real HTTP: its node, its two demo sensors and the Actuator views of the mesh.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "chaski.node.port=0",
		"chaski.keep-alive.interval=100ms", "sample.publish-interval=100ms",
		"chaski.storage.path=target/chaski-data/sample-test.db" })
@AutoConfigureTestRestTemplate
class SampleApplicationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final Pattern RECEIVED = Pattern
		.compile("(?m)^chaski_messages_received_total\\{[^}]*topic=\"sensors\\.temperature\"[^}]*} (\\S+)$");

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private TestRestTemplate http;

	@Autowired
	private ChaskiNode node;

	@Test
	@SuppressWarnings("unchecked")
	void healthShowsTheNodeUpWithDetails() {
		await().atMost(WAIT).untilAsserted(() -> {
			Map<String, Object> chaski = component(get("/actuator/health"), "chaski");
			assertThat(chaski).containsEntry("status", "UP");
			Map<String, Object> details = map(chaski.get("details"));
			assertThat(details).containsEntry("nodeId", this.node.id().toString())
				.containsEntry("name", "chaski-sample")
				.containsEntry("address", this.node.address().hostAndPort())
				.containsEntry("peers", 2);
			assertThat((List<Object>) details.get("topics")).contains("sensors.temperature", "sensors.alerts");
		});
	}

	@Test
	void chaskiEndpointListsThePeersWithTheirLatency() {
		await().atMost(WAIT).untilAsserted(() -> {
			Map<String, Object> report = get("/actuator/chaski");
			List<Map<String, Object>> peers = list(report.get("peers"));
			assertThat(peers).extracting(peer -> peer.get("name"))
				.containsExactly("chaski-sample-sensor-1", "chaski-sample-sensor-2");
			assertThat(peers).allSatisfy(peer -> assertThat((Number) peer.get("latencyMillis")).isNotNull()
				.satisfies(latency -> assertThat(latency.doubleValue()).isPositive()));
			assertThat(map(report.get("node"))).containsEntry("running", true);
			assertThat(map(report.get("pool"))).containsKeys("origins", "maxOrigins", "idsPerOrigin", "ttl");
			assertThat(map(report.get("queues"))).containsKeys("outboundQueued", "subscriberBacklog");
			assertThat(list(report.get("listeners"))).extracting(listener -> listener.get("id"))
				.contains("readingListeners.log", "alerting", "alertLog", "chaski-message-events");
		});
	}

	@Test
	void prometheusSeriesGrowAsMessagesFlow() {
		double first = await().atMost(WAIT).until(this::receivedReadings, count -> count > 0);
		await().atMost(WAIT).until(this::receivedReadings, count -> count > first);
		String scrape = prometheus();
		assertThat(scrape).contains("chaski_peers 2.0")
			.contains("chaski_network_received_bytes_total")
			.contains("chaski_peer_latency_seconds{")
			.contains("chaski_queue_depth_messages{")
			.contains("chaski_listener_errors_total{");
	}

	private double receivedReadings() {
		Matcher matcher = RECEIVED.matcher(prometheus());
		return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
	}

	private String prometheus() {
		ResponseEntity<String> response = this.http.getForEntity("/actuator/prometheus", String.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		return response.getBody();
	}

	@Test
	void theLatestReadingOfEachSensorIsServedFromStorage() {
		String sensor = this.node.name() + "-sensor-1";
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(get("/readings/" + sensor)).containsEntry("sensor", sensor));
		assertThat(this.http.getForEntity("/readings/nobody", String.class).getStatusCode())
			.isEqualTo(HttpStatus.NOT_FOUND);
	}

	private Map<String, Object> get(String path) {
		ResponseEntity<Map<String, Object>> response = this.http.exchange(path, HttpMethod.GET, null, JSON);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		return response.getBody();
	}

	private static Map<String, Object> component(Map<String, Object> health, String name) {
		return map(map(health.get("components")).get(name));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Object value) {
		assertThat(value).isInstanceOf(List.class);
		return (List<Map<String, Object>>) value;
	}

}
