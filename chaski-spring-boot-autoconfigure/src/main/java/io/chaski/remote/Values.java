package io.chaski.remote;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.chaski.wire.DefaultPayloadCodec;
import io.chaski.wire.EncodedPayload;
import io.chaski.wire.PayloadCodec;
import io.chaski.wire.PayloadReader;

/**
 * The payload of CALL and RESULT envelopes: a list of values, each encoded on its own by the node's
 * {@link PayloadCodec} so that it decodes to its declared (generic) type. Layout (docs/protocol.md):
 * {@code count:u8 ( present:u8 [ typeLength:u8 contentType:utf8 length:u32 bytes ] ){count}}. Every length is
 * checked against the bytes that arrived before anything is allocated.
 */
final class Values {

	/** Most values in one payload: Java methods have at most 255 parameters. */
	static final int MAX_COUNT = 255;

	private static final byte[] JSON = DefaultPayloadCodec.JSON.getBytes(StandardCharsets.US_ASCII);

	private static final byte[] NO_TYPE = new byte[0];

	private Values() {
	}

	/**
	 * @param codec the node's codec
	 * @param values the values, each may be {@code null}
	 * @return the payload
	 */
	static byte[] encode(PayloadCodec codec, Object... values) {
		// each value encoded first, so that the payload is allocated once at its exact size
		byte[][] types = new byte[values.length][];
		byte[][] contents = new byte[values.length][];
		int size = 1;
		for (int i = 0; i < values.length; i++) {
			size++;
			if (values[i] == null) {
				continue;
			}
			// the default codec's JSON of plain values, without Jackson; the same bytes
			byte[] bytes = (codec instanceof DefaultPayloadCodec) ? PlainJson.write(values[i]) : null;
			byte[] type = JSON;
			if (bytes == null) {
				EncodedPayload encoded = codec.encode(values[i]);
				type = (encoded.contentType() == null) ? NO_TYPE
						: DefaultPayloadCodec.JSON.equals(encoded.contentType()) ? JSON
								: encoded.contentType().getBytes(StandardCharsets.UTF_8);
				bytes = encoded.bytes();
			}
			if (type.length > 255) {
				throw new IllegalArgumentException("content type longer than 255 bytes");
			}
			types[i] = type;
			contents[i] = bytes;
			size = Math.addExact(size, 1 + type.length + 4 + bytes.length);
		}
		ByteBuffer out = ByteBuffer.allocate(size);
		out.put((byte) values.length);
		for (int i = 0; i < values.length; i++) {
			if (contents[i] == null) {
				out.put((byte) 0);
				continue;
			}
			out.put((byte) 1).put((byte) types[i].length).put(types[i]).putInt(contents[i].length).put(contents[i]);
		}
		return out.array();
	}

	/**
	 * @param codec the node's codec
	 * @param payload a payload from a peer
	 * @param types the type each value must have; their number must match the payload's count
	 * @return the decoded values
	 * @throws MalformedCallException if the payload is malformed or a value does not fit its type
	 */
	static Object[] decode(PayloadCodec codec, byte[] payload, Type[] types) {
		PayloadReader in = new PayloadReader(payload, MalformedCallException::new);
		int count = in.u8();
		if (count != types.length) {
			throw new MalformedCallException("expected " + types.length + " values but got " + count);
		}
		Object[] values = new Object[count];
		for (int i = 0; i < count; i++) {
			int present = in.u8();
			if (present == 0) {
				continue;
			}
			if (present != 1) {
				throw new MalformedCallException("bad presence flag " + present + " of value " + i);
			}
			int typeLength = in.u8();
			byte[] type = (typeLength == 0) ? null : in.bytes(typeLength);
			boolean json = Arrays.equals(type, JSON);
			String contentType = json ? DefaultPayloadCodec.JSON
					: (type == null) ? null : new String(type, StandardCharsets.UTF_8);
			byte[] bytes = in.bytes(in.i32());
			Object plain = (json && codec instanceof DefaultPayloadCodec) ? PlainJson.read(bytes, types[i])
					: PlainJson.NOT_PLAIN;
			if (plain != PlainJson.NOT_PLAIN) {
				values[i] = plain;
				continue;
			}
			try {
				values[i] = codec.decode(bytes, contentType, types[i]);
			}
			catch (RuntimeException ex) {
				throw new MalformedCallException("value " + i + " is not a " + types[i].getTypeName() + ": "
						+ ex.getMessage());
			}
		}
		in.end();
		return values;
	}

}
