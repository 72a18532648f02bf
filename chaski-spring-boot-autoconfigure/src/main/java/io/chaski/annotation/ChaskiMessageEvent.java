package io.chaski.annotation;

import java.time.Instant;

import org.springframework.context.ApplicationEvent;
import org.springframework.core.ResolvableType;
import org.springframework.core.ResolvableTypeProvider;

import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.wire.Envelope;
import io.chaski.wire.PayloadCodec;

/**
 * Published for every message delivered on this node (received from a peer, or published here), so that
 * {@code @EventListener} methods can follow the traffic. The payload has its natural type: {@code String} for
 * text, {@code byte[]} for raw bytes, maps and lists for JSON. Events are published off the I/O threads, one
 * at a time, in the order messages arrive. The payload is decoded only when a listener asks for it
 * ({@link #getMessage()} or {@link #getPayload()}), at most once per event, so events nobody reads cost no
 * decoding.
 */
public class ChaskiMessageEvent extends ApplicationEvent implements ResolvableTypeProvider {

	private static final long serialVersionUID = 1L;

	/** One type for every event: Spring would otherwise resolve (and hash) a new one per event to find listeners. */
	private static final ResolvableType TYPE = ResolvableType.forClass(ChaskiMessageEvent.class);

	/** The message as received, until it is decoded; {@code null} for an event made from a decoded message. */
	private final transient Envelope envelope;

	private final transient PayloadCodec codec;

	private transient volatile ChaskiMessage<Object> message;

	/**
	 * @param streamer the streamer that delivered the message
	 * @param message the message
	 */
	public ChaskiMessageEvent(ChaskiStreamer streamer, ChaskiMessage<Object> message) {
		super(streamer);
		this.envelope = null;
		this.codec = null;
		this.message = message;
	}

	/**
	 * An event whose payload is decoded with the streamer's codec on first use.
	 * @param streamer the streamer that delivered the message
	 * @param envelope the message as received
	 */
	public ChaskiMessageEvent(ChaskiStreamer streamer, Envelope envelope) {
		super(streamer);
		this.envelope = envelope;
		this.codec = streamer.codec();
	}

	/**
	 * @return the message, its payload decoded on the first call
	 * @throws io.chaski.wire.PayloadCodecException if the payload cannot be decoded
	 */
	public ChaskiMessage<Object> getMessage() {
		ChaskiMessage<Object> decoded = this.message;
		if (decoded == null) {
			synchronized (this) {
				decoded = this.message;
				if (decoded == null) {
					Object payload = this.codec.decode(this.envelope.payload(), this.envelope.contentType(),
							Object.class);
					decoded = new ChaskiMessage<>(this.envelope.topic(), payload, this.envelope.origin(),
							this.envelope.id(), Instant.ofEpochMilli(this.envelope.timestamp()));
					this.message = decoded;
				}
			}
		}
		return decoded;
	}

	/** @return the message's topic (no decoding) */
	public String getTopic() {
		return (this.envelope != null) ? this.envelope.topic() : this.message.topic();
	}

	/**
	 * @return the message's payload, decoded on the first call
	 * @throws io.chaski.wire.PayloadCodecException if the payload cannot be decoded
	 */
	public Object getPayload() {
		return getMessage().payload();
	}

	/** @return the event's type, shared by every event of this class ({@code null} for subclasses: Spring resolves) */
	@Override
	public ResolvableType getResolvableType() {
		return (getClass() == ChaskiMessageEvent.class) ? TYPE : null;
	}

	@Override
	public String toString() {
		if (this.envelope != null) {
			return "ChaskiMessageEvent[" + this.envelope.topic() + " #" + this.envelope.id() + " from "
					+ this.envelope.origin() + "]";
		}
		return "ChaskiMessageEvent[" + this.message.topic() + " #" + this.message.id() + " from "
				+ this.message.origin() + "]";
	}

}
