package com.example.chaski;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import io.chaski.annotation.ChaskiListener;
import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.ChaskiStreamer;

/**
 * Two {@code @ChaskiListener}s on the readings topic: one takes the payload, converted from JSON, and logs it;
 * the other takes the whole message and publishes an alert for readings above the threshold.
 */
@Component
class ReadingListeners {

	private static final Logger log = LoggerFactory.getLogger(ReadingListeners.class);

	private final ChaskiStreamer streamer;

	private final SampleProperties properties;

	ReadingListeners(ChaskiStreamer streamer, SampleProperties properties) {
		this.streamer = streamer;
		this.properties = properties;
	}

	@ChaskiListener(topics = "${sample.readings-topic:sensors.temperature}")
	void log(Reading reading) {
		log.info("Reading from {}: {} °C", reading.sensor(), reading.celsius());
	}

	@ChaskiListener(topics = "${sample.readings-topic:sensors.temperature}", id = "alerting")
	void alertOnHeat(ChaskiMessage<Reading> message) {
		Reading reading = message.payload();
		if (reading.celsius() > this.properties.alertThreshold()) {
			this.streamer.publish(this.properties.alertsTopic(),
					new Alert(reading, this.properties.alertThreshold(), this.streamer.node().name()));
		}
	}

}
