package io.chaski.annotation;

import org.springframework.context.ApplicationEvent;

import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.ChaskiStreamer;

/**
 * Published for every message delivered on this node (received from a peer, or published here), so that
 * {@code @EventListener} methods can follow the traffic. The payload has its natural type: {@code String} for
 * text, {@code byte[]} for raw bytes, maps and lists for JSON. Events are published off the I/O threads, one
 * at a time, in the order messages arrive.
 */
public class ChaskiMessageEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient ChaskiMessage<Object> message;

	/**
	 * @param streamer the streamer that delivered the message
	 * @param message the message
	 */
	public ChaskiMessageEvent(ChaskiStreamer streamer, ChaskiMessage<Object> message) {
		super(streamer);
		this.message = message;
	}

	/** @return the message */
	public ChaskiMessage<Object> getMessage() {
		return this.message;
	}

	/** @return the message's topic */
	public String getTopic() {
		return this.message.topic();
	}

	/** @return the message's payload */
	public Object getPayload() {
		return this.message.payload();
	}

	@Override
	public String toString() {
		return "ChaskiMessageEvent[" + this.message.topic() + " #" + this.message.id() + " from "
				+ this.message.origin() + "]";
	}

}
