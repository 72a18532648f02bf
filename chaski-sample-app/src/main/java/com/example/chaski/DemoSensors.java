package com.example.chaski;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.chaski.annotation.ChaskiListenerRegistry;
import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiStreamer;

/**
 * Starts a few extra Chaski nodes in this process, plain engine nodes built without Spring, that connect to the
 * application's node like remote sensors would and publish a reading at a fixed rate. It makes a mesh to look
 * at on a single machine.
 */
@Component
class DemoSensors implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DemoSensors.class);

	private final ChaskiNode node;

	private final SampleProperties properties;

	private final List<ChaskiNode> sensors = new ArrayList<>();

	private ScheduledExecutorService timer;

	DemoSensors(ChaskiNode node, SampleProperties properties) {
		this.node = node;
		this.properties = properties;
	}

	@Override
	public synchronized void start() {
		if (this.properties.demoSensors() < 1) {
			return;
		}
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
			Thread thread = new Thread(runnable, "demo-sensors");
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		this.timer = executor;
		for (int i = 1; i <= this.properties.demoSensors(); i++) {
			ChaskiNode sensor = ChaskiNode.builder()
				.name(this.node.name() + "-sensor-" + i)
				// in-process demo nodes: reachable on loopback only, members by the main node's secret
				.bindHost("127.0.0.1")
				.clusterSecret(this.node.settings().clusterSecret())
				.keepAliveInterval(this.node.settings().keepAliveInterval())
				.build()
				.start();
			this.sensors.add(sensor);
			sensor.connect(this.node.address().hostAndPort())
				.whenComplete((peer, failure) -> log.info("Demo sensor {} {} {}", sensor.name(),
						(failure == null) ? "joined" : "could not join", this.node.address().hostAndPort()));
			ChaskiStreamer streamer = new ChaskiStreamer(sensor);
			long period = this.properties.publishInterval().toMillis();
			executor.scheduleAtFixedRate(() -> publish(sensor, streamer), period, period, TimeUnit.MILLISECONDS);
		}
	}

	private void publish(ChaskiNode sensor, ChaskiStreamer streamer) {
		double celsius = 20 + ThreadLocalRandom.current().nextDouble(10);
		try {
			streamer.publish(this.properties.readingsTopic(),
					new Reading(sensor.name(), Math.round(celsius * 10) / 10.0, Instant.now()));
		}
		catch (RuntimeException ex) {
			log.warn("Demo sensor {} could not publish: {}", sensor.name(), ex.getMessage());
		}
	}

	@Override
	public synchronized void stop() {
		if (this.timer != null) {
			this.timer.shutdownNow();
			this.timer = null;
		}
		this.sensors.forEach(ChaskiNode::stop);
		this.sensors.clear();
	}

	@Override
	public synchronized boolean isRunning() {
		return this.timer != null;
	}

	/** Starts after the application's node and listeners, stops before them. */
	@Override
	public int getPhase() {
		return ChaskiListenerRegistry.PHASE + 1;
	}

}
