package com.example.chaski;

import java.time.Instant;

/**
 * A temperature reading, travelling as JSON.
 *
 * @param sensor the sensor's name
 * @param celsius the temperature
 * @param takenAt when it was measured
 */
public record Reading(String sensor, double celsius, Instant takenAt) {
}
