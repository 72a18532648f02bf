package io.chaski.wire;

import io.chaski.support.LogSafe;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One unit of the Chaski protocol. Several envelopes travel in one frame.
 *
 * @param kind what the envelope is for
 * @param origin id of the node that created it (not the last hop)
 * @param id message id, unique per origin (a sequence number)
 * @param hopsLeft how many more hops the envelope may take, 0..255
 * @param timestamp creation time at the origin, epoch milliseconds
 * @param topic topic for {@link EnvelopeKind#PUBLISH}, empty for control envelopes
 * @param headers string headers such as {@value #CONTENT_TYPE}; never {@code null}
 * @param payload the payload bytes; never {@code null}
 */
public record Envelope(EnvelopeKind kind, UUID origin, long id, int hopsLeft, long timestamp, String topic,
		Map<String, String> headers, byte[] payload) {

	/** Header naming the payload's content type; absent means raw bytes. */
	public static final String CONTENT_TYPE = "content-type";

	/** Largest hop count the wire can carry. */
	public static final int MAX_HOPS = 255;

	private static final byte[] EMPTY = new byte[0];

	/** Validates the components; see the record description. */
	public Envelope {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(origin, "origin");
		topic = (topic != null) ? topic : "";
		headers = (headers != null) ? headers : Map.of();
		payload = (payload != null) ? payload : EMPTY;
		if (hopsLeft < 0 || hopsLeft > MAX_HOPS) {
			throw new IllegalArgumentException("hopsLeft must be 0.." + MAX_HOPS + " but was " + hopsLeft);
		}
	}

	/**
	 * A control envelope (no topic, no headers), stamped now.
	 * @param kind the kind
	 * @param origin the sending node
	 * @param id correlation id
	 * @param payload payload bytes
	 * @return the envelope
	 */
	public static Envelope control(EnvelopeKind kind, UUID origin, long id, byte[] payload) {
		return new Envelope(kind, origin, id, 1, System.currentTimeMillis(), "", Map.of(), payload);
	}

	/** @return the content type header, or {@code null} for raw bytes */
	public String contentType() {
		return this.headers.isEmpty() ? null : this.headers.get(CONTENT_TYPE);
	}

	/**
	 * @param hops the new hop count
	 * @return a copy that differs only in hops left
	 */
	public Envelope withHopsLeft(int hops) {
		return new Envelope(this.kind, this.origin, this.id, hops, this.timestamp, this.topic, this.headers, this.payload);
	}

	@Override
	public String toString() {
		return "Envelope[" + this.kind + " " + this.origin + "#" + this.id + " topic='" + LogSafe.of(this.topic)
				+ "' hopsLeft=" + this.hopsLeft + " payload=" + this.payload.length + "B]";
	}

}
