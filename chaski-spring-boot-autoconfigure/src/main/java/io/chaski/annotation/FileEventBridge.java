package io.chaski.annotation;

import org.springframework.context.ApplicationEventPublisher;

import io.chaski.streamer.ChaskiStreamer;

/**
 * Publishes a {@link ChaskiFileReceivedEvent} for every file the streamer stores.
 */
public class FileEventBridge {

	/**
	 * @param streamer the streamer whose received files become events
	 * @param publisher where events go
	 */
	public FileEventBridge(ChaskiStreamer streamer, ApplicationEventPublisher publisher) {
		streamer.files().addListener(file -> publisher.publishEvent(new ChaskiFileReceivedEvent(streamer, file)));
	}

}
