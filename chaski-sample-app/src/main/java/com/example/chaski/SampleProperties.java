package com.example.chaski;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the demo ({@code sample.*}).
 *
 * @param demoSensors in-process demo nodes that join this node and publish readings; 0 for none
 * @param publishInterval time between two readings of one demo sensor
 * @param readingsTopic the topic readings go to
 * @param alertsTopic the topic alerts go to
 * @param alertThreshold readings above this many degrees raise an alert
 * @param filesTopic the topic files are pushed to (this node receives them when chaski.files.enabled is on)
 * @param sendFile a file to push to the other copies once one is linked; none by default
 */
@ConfigurationProperties("sample")
public record SampleProperties(@DefaultValue("2") int demoSensors, @DefaultValue("2s") Duration publishInterval,
		@DefaultValue("sensors.temperature") String readingsTopic, @DefaultValue("sensors.alerts") String alertsTopic,
		@DefaultValue("27.5") double alertThreshold, @DefaultValue("sample.files") String filesTopic, Path sendFile) {
}
