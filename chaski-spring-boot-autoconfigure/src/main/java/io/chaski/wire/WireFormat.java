package io.chaski.wire;

/**
 * Constants of the frame layout (see {@code docs/protocol.md}).
 *
 * <pre>
 * frame    = magic:u16 ('C','K') version:u8 flags:u8 bodyLength:u32 body
 * body     = count:u16 envelope{count}
 * envelope = kind:u8 hopsLeft:u8 origin:uuid(16) id:i64 timestamp:i64
 *            topicLength:u16 topic:utf8 headerCount:u8 (keyLength:u8 key:utf8 valueLength:u16 value:utf8){headerCount}
 *            payloadLength:u32 payload
 * </pre>
 * All integers are big-endian.
 */
public final class WireFormat {

	/** First two bytes of every frame: ASCII "CK". */
	public static final int MAGIC = 0x434B;

	/** The protocol version this build speaks. */
	public static final int PROTOCOL_VERSION = 1;

	/** Bytes before the body: magic, version, flags, body length. */
	public static final int FRAME_HEADER_BYTES = 8;

	/** Bytes of an envelope without topic, header strings and payload. */
	public static final int ENVELOPE_FIXED_BYTES = 1 + 1 + 16 + 8 + 8 + 2 + 1 + 4;

	/** Most envelopes one frame may carry. */
	public static final int MAX_ENVELOPES_PER_FRAME = 0xFFFF;

	private WireFormat() {
	}

}
