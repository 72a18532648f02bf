package io.chaski.annotation;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.files.ReceivedFile;
import io.chaski.streamer.ChaskiStreamer;

/**
 * A {@link ChaskiListener} method whose parameter is a {@link ReceivedFile}: the node joins its topics (so senders
 * offer it their files) and the method gets each file stored from those topics, on a file thread of the node. An
 * exception it throws is logged; the file stays stored.
 */
final class FileListener {

	private static final Logger log = LoggerFactory.getLogger(FileListener.class);

	private final String id;

	private final List<String> topics;

	private final Handler handler;

	FileListener(String id, List<String> topics, Handler handler) {
		this.id = id;
		this.topics = List.copyOf(topics);
		this.handler = handler;
	}

	void attachTo(ChaskiStreamer streamer) {
		this.topics.forEach(streamer.node()::subscribe);
		streamer.files().addListener(file -> {
			if (this.topics.contains(file.topic())) {
				try {
					this.handler.handle(file);
				}
				catch (Exception ex) {
					log.warn("File listener {} failed on {}", this.id, file.path(), ex);
				}
			}
		});
	}

	/** The listener method. */
	@FunctionalInterface
	interface Handler {

		void handle(ReceivedFile file) throws Exception;

	}

}
