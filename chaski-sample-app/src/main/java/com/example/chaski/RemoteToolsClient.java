package com.example.chaski;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import io.chaski.annotation.ChaskiListener;
import io.chaski.annotation.ChaskiRemote;
import io.chaski.remote.ChaskiRemoteException;
import io.chaski.remote.ChaskiServiceUnavailableException;

/**
 * Calls the {@code temperature-tools} service of a {@code remote-proxy} node, when one is connected: every
 * {@value #BATCH} readings it asks for their summary and logs it.
 */
@Component
@Profile("!remote-proxy")
class RemoteToolsClient {

	private static final Logger log = LoggerFactory.getLogger(RemoteToolsClient.class);

	static final int BATCH = 10;

	private final TemperatureTools tools;

	private final List<Reading> batch = new ArrayList<>();

	RemoteToolsClient(@ChaskiRemote(value = "temperature-tools", timeout = "2s") TemperatureTools tools) {
		this.tools = tools;
	}

	@ChaskiListener(topics = "${sample.readings-topic:sensors.temperature}", id = "remote-tools")
	void onReading(Reading reading) {
		this.batch.add(reading);
		if (this.batch.size() < BATCH) {
			return;
		}
		List<Reading> readings = List.copyOf(this.batch);
		this.batch.clear();
		try {
			TemperatureTools.Summary summary = this.tools.summarize(readings);
			log.info("Remote summary of the last {} readings: {} .. {} °C (mean {} °F)", summary.count(),
					summary.min(), summary.max(), String.format("%.1f", this.tools.toFahrenheit(summary.mean())));
		}
		catch (ChaskiServiceUnavailableException ex) {
			log.debug("No remote-proxy node connected: {}", ex.getMessage());
		}
		catch (ChaskiRemoteException ex) {
			log.warn("Remote summary failed: {}", ex.getMessage());
		}
	}

}
