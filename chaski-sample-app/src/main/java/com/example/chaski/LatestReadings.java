package com.example.chaski;

import java.util.concurrent.CompletableFuture;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.chaski.annotation.ChaskiListener;
import io.chaski.storage.ChaskiStorage;

/**
 * Keeps the latest reading of each sensor in the node's storage (it expires after chaski.storage.default-ttl) and
 * serves it over HTTP from any node: {@code GET /readings/{sensor}} looks here first, then asks the peers.
 */
@RestController
class LatestReadings {

	private final ChaskiStorage storage;

	LatestReadings(ChaskiStorage storage) {
		this.storage = storage;
	}

	@ChaskiListener(topics = "${sample.readings-topic:sensors.temperature}", id = "latest")
	void keep(Reading reading) {
		this.storage.put(key(reading.sensor()), reading);
	}

	@GetMapping("/readings/{sensor}")
	CompletableFuture<ResponseEntity<Reading>> latest(@PathVariable String sensor) {
		return this.storage.fetch(key(sensor), Reading.class)
			.thenApply(found -> found.map(ResponseEntity::ok).orElseGet(() -> ResponseEntity.notFound().build()));
	}

	private static String key(String sensor) {
		return "reading/" + sensor;
	}

}
