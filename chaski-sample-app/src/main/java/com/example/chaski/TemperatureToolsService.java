package com.example.chaski;

import java.util.DoubleSummaryStatistics;
import java.util.List;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Service;

import io.chaski.annotation.ChaskiService;

/**
 * Exports {@link TemperatureTools} as the remote service {@code temperature-tools}, only in the
 * {@code remote-proxy} role (like the original's {@code chaski_remote_proxy}). Nothing else on this node can be
 * called by peers.
 */
@Service
@Profile("remote-proxy")
@ChaskiService("temperature-tools")
class TemperatureToolsService implements TemperatureTools {

	@Override
	public double toFahrenheit(double celsius) {
		return celsius * 9 / 5 + 32;
	}

	@Override
	public Summary summarize(List<Reading> readings) {
		DoubleSummaryStatistics stats = readings.stream().mapToDouble(Reading::celsius).summaryStatistics();
		return new Summary((int) stats.getCount(), stats.getMin(), stats.getMax(), stats.getAverage());
	}

}
