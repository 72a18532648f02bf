package com.example.chaski;

import java.util.List;

/**
 * The demo remote service: what a node started with the {@code remote-proxy} profile offers to the others.
 */
public interface TemperatureTools {

	/**
	 * @param celsius degrees Celsius
	 * @return degrees Fahrenheit
	 */
	double toFahrenheit(double celsius);

	/**
	 * @param readings some readings
	 * @return their count, lowest, highest and mean temperature
	 */
	Summary summarize(List<Reading> readings);

	/**
	 * Count, lowest, highest and mean of some readings.
	 *
	 * @param count how many
	 * @param min lowest temperature
	 * @param max highest temperature
	 * @param mean mean temperature
	 */
	record Summary(int count, double min, double max, double mean) {
	}

}
