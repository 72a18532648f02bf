package io.chaski.annotation;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.ApplicationEvent;

import io.chaski.files.ReceivedFile;
import io.chaski.streamer.ChaskiStreamer;

/**
 * Published for every file this node received, after its size and SHA-256 were checked and it was moved into
 * {@code chaski.files.directory}. Published on a file thread of the node, one file at a time per transfer.
 */
public class ChaskiFileReceivedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient ReceivedFile file;

	/**
	 * @param streamer the streamer that received the file
	 * @param file the file
	 */
	public ChaskiFileReceivedEvent(ChaskiStreamer streamer, ReceivedFile file) {
		super(streamer);
		this.file = file;
	}

	/** @return the file with everything known about it */
	public ReceivedFile getFile() {
		return this.file;
	}

	/** @return where the file is now */
	public Path getPath() {
		return this.file.path();
	}

	/** @return its name as the sender gave it */
	public String getName() {
		return this.file.name();
	}

	/** @return its size in bytes */
	public long getSize() {
		return this.file.size();
	}

	/** @return its SHA-256, lower-case hex */
	public String getSha256() {
		return this.file.sha256();
	}

	/** @return what the sender attached */
	public Map<String, String> getMetadata() {
		return this.file.metadata();
	}

	/** @return the sending node's id */
	public UUID getOrigin() {
		return this.file.origin();
	}

	/** @return the topic it was pushed to */
	public String getTopic() {
		return this.file.topic();
	}

}
