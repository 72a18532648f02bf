package com.example.chaski;

import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.chaski.annotation.ChaskiListener;
import io.chaski.files.ReceivedFile;
import io.chaski.node.ChaskiNode;
import io.chaski.node.NodeListener;
import io.chaski.node.PeerInfo;
import io.chaski.streamer.ChaskiStreamer;

/**
 * Files between copies of the sample: each copy logs the files it receives on {@code sample.files-topic}; with
 * {@code --sample.send-file=PATH} a copy pushes that file to the others once one of them is linked, and logs where
 * it was stored.
 */
@Component
class FileDemo {

	private static final Logger log = LoggerFactory.getLogger(FileDemo.class);

	private final ChaskiStreamer streamer;

	private final SampleProperties properties;

	FileDemo(ChaskiStreamer streamer, SampleProperties properties) {
		this.streamer = streamer;
		this.properties = properties;
	}

	@ChaskiListener(topics = "${sample.files-topic:sample.files}")
	void onFile(ReceivedFile file) {
		log.info("Received file {} ({} bytes, SHA-256 {}) from node {}", file.path(), file.size(), file.sha256(),
				file.origin());
	}

	@EventListener(ApplicationReadyEvent.class)
	void sendWhenLinked() {
		Path file = this.properties.sendFile();
		if (file == null) {
			return;
		}
		ChaskiNode node = this.streamer.node();
		node.addListener(new NodeListener() {

			@Override
			public void peerConnected(PeerInfo peer) {
				if (peer.subscriptions().contains(FileDemo.this.properties.filesTopic())) {
					send(file);
				}
			}

		});
		if (node.peers().stream().anyMatch(peer -> peer.subscriptions().contains(this.properties.filesTopic()))) {
			send(file);
		}
	}

	private void send(Path file) {
		this.streamer.pushFile(this.properties.filesTopic(), file).whenComplete((result, failure) -> {
			if (failure != null) {
				log.warn("Could not send {}: {}", file, failure.toString());
				return;
			}
			result.deliveries().values().forEach(delivery -> log.info("Sent {} to {}: {} {}", file,
					delivery.nodeName(), delivery.outcome(), delivery.reason()));
		});
	}

}
