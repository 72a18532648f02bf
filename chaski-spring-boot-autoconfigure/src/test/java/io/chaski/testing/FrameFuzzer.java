package io.chaski.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;
import io.chaski.wire.FrameBuffer;
import io.chaski.wire.WireFormat;
import io.chaski.wire.WireFormatException;

/**
 * Generates frame bodies for fuzzing: well-formed ones built with {@link FrameBuffer}, and mutations of them.
 * Structural mutations (bit flips anywhere, length and count fields set to boundary values, truncation,
 * splicing two bodies) mostly make a frame the receiver must refuse; content mutations (bit flips outside the
 * kind, length and count fields: ids, origins, hops, topics, headers, payloads) keep it parseable, so the
 * values travel further into the node. Deterministic for a seed, so a failure can be replayed from the seed.
 */
public final class FrameFuzzer {

	private static final int VALID_BODIES = 1024;

	private final SplittableRandom random;

	private final UUID[] origins;

	private final EnvelopeKind[] kinds;

	/** Share of bodies, in percent, that get structural mutations; the others get content mutations. */
	private final int structuralPercent;

	private final FrameBuffer buffer = new FrameBuffer(1024, Integer.MAX_VALUE);

	/** Well-formed bodies made up front: building them costs far more than mutating or decoding them. */
	private final byte[][] valid;

	private FrameFuzzer(long seed, EnvelopeKind[] kinds, int structuralPercent, UUID... origins) {
		this.random = new SplittableRandom(seed);
		this.kinds = kinds;
		this.structuralPercent = structuralPercent;
		this.origins = (origins.length > 0) ? origins : new UUID[] { new UUID(seed, ~seed) };
		this.valid = new byte[VALID_BODIES][];
		for (int i = 0; i < VALID_BODIES; i++) {
			this.valid[i] = validBody();
		}
	}

	/**
	 * For a decoder on its own: every kind, nine bodies in ten mutated structurally.
	 * @param seed the seed
	 * @return the fuzzer
	 */
	public static FrameFuzzer forDecoder(long seed) {
		return new FrameFuzzer(seed, EnvelopeKind.values(), 90);
	}

	/**
	 * For a node after the handshake: messages and pings, most bodies with content mutations only, so that a
	 * connection lives for a few frames before a structural mutation costs it.
	 * @param seed the seed
	 * @param origins the origins the messages claim
	 * @return the fuzzer
	 */
	public static FrameFuzzer forPeer(long seed, UUID... origins) {
		return new FrameFuzzer(seed, new EnvelopeKind[] { EnvelopeKind.PING, EnvelopeKind.PONG }, 3, origins);
	}

	/** @return the next mutated body */
	public byte[] next() {
		byte[] body = this.valid[this.random.nextInt(VALID_BODIES)];
		return (this.random.nextInt(100) < this.structuralPercent) ? mutate(body) : mutateContent(body);
	}

	/** @return a well-formed body of 1..4 envelopes, mostly PUBLISH */
	private byte[] validBody() {
		this.buffer.reset();
		int count = 1 + this.random.nextInt(4);
		try {
			for (int i = 0; i < count; i++) {
				this.buffer.tryAdd(envelope());
			}
		}
		catch (WireFormatException ex) {
			throw new IllegalStateException(ex);
		}
		this.buffer.finish();
		return Arrays.copyOfRange(this.buffer.array(), WireFormat.FRAME_HEADER_BYTES, this.buffer.length());
	}

	private Envelope envelope() {
		EnvelopeKind kind = (this.random.nextInt(4) == 0) ? this.kinds[this.random.nextInt(this.kinds.length)]
				: EnvelopeKind.PUBLISH;
		Map<String, String> headers = new HashMap<>();
		int headerCount = this.random.nextInt(4);
		for (int h = 0; h < headerCount; h++) {
			headers.put(text(12), text(40));
		}
		byte[] payload = new byte[(this.random.nextInt(8) == 0) ? this.random.nextInt(1000) : this.random.nextInt(48)];
		this.random.nextBytes(payload);
		UUID origin = this.origins[this.random.nextInt(this.origins.length)];
		return new Envelope(kind, origin, this.random.nextLong(1, 1000), this.random.nextInt(256),
				this.random.nextLong(), text(24), headers, payload);
	}

	private String text(int maxLength) {
		char[] chars = new char[this.random.nextInt(maxLength + 1)];
		for (int i = 0; i < chars.length; i++) {
			boolean wide = this.random.nextInt(8) == 0;
			chars[i] = (char) (wide ? this.random.nextInt(0x20, 0x800) : 'a' + this.random.nextInt(26));
		}
		return new String(chars);
	}

	/**
	 * @param body a well-formed body
	 * @return a copy with one to three mutations
	 */
	private byte[] mutate(byte[] body) {
		byte[] out = body.clone(); // flips and boundary values then work in place
		int rounds = 1 + this.random.nextInt(3);
		for (int i = 0; i < rounds; i++) {
			out = switch (this.random.nextInt(5)) {
				case 0 -> flipBits(out);
				case 1, 2 -> boundaryLength(out);
				case 3 -> truncate(out);
				default -> splice(out, this.valid[this.random.nextInt(VALID_BODIES)]);
			};
		}
		return out;
	}

	/** Flips bits outside the kind, length and count fields: the body stays parseable. */
	private byte[] mutateContent(byte[] body) {
		byte[] out = body.clone();
		boolean[] structure = new boolean[out.length];
		for (int[] field : walk(out, true)) {
			Arrays.fill(structure, field[0], field[0] + field[1], true);
		}
		int flips = 1 + this.random.nextInt(8);
		for (int i = 0; i < flips; i++) {
			int at = this.random.nextInt(out.length);
			if (!structure[at]) {
				out[at] ^= (byte) (1 << this.random.nextInt(8));
			}
		}
		return out;
	}

	private byte[] flipBits(byte[] out) {
		int flips = 1 + this.random.nextInt(8);
		for (int i = 0; i < flips && out.length > 0; i++) {
			out[this.random.nextInt(out.length)] ^= (byte) (1 << this.random.nextInt(8));
		}
		return out;
	}

	/** Sets one length or count field (as the layout places them in the original body) to a boundary value. */
	private byte[] boundaryLength(byte[] out) {
		List<int[]> fields = lengthFields(out);
		if (fields.isEmpty()) {
			return flipBits(out);
		}
		int[] field = fields.get(this.random.nextInt(fields.size()));
		int offset = field[0];
		int width = field[1];
		long left = out.length - offset - width;
		long[] candidates = switch (width) {
			case 1 -> new long[] { 0, 0xFF, 0x7F, 0x80, left, left + 1 };
			case 2 -> new long[] { 0, 0xFFFF, 0x7FFF, 0x8000, left, left - 1, left + 1 };
			default -> new long[] { 0, 0xFFFF_FFFFL, 0x7FFF_FFFFL, 0x8000_0000L, 0x7FFF_FFFFL - offset,
					0x7FFF_FFFFL - left + 1, left, left - 1, left + 1, left * 2 };
		};
		long value = candidates[this.random.nextInt(candidates.length)];
		for (int i = 0; i < width; i++) {
			out[offset + i] = (byte) (value >>> (8 * (width - 1 - i)));
		}
		return out;
	}

	private byte[] truncate(byte[] body) {
		return Arrays.copyOf(body, this.random.nextInt(body.length + 1));
	}

	private byte[] splice(byte[] body, byte[] other) {
		int head = this.random.nextInt(body.length + 1);
		int tailStart = this.random.nextInt(other.length + 1);
		byte[] out = Arrays.copyOf(body, head + other.length - tailStart);
		System.arraycopy(other, tailStart, out, head, other.length - tailStart);
		return out;
	}

	/**
	 * Walks a body by the layout of {@link WireFormat} and lists where its length and count fields are.
	 * @param body a body, possibly already mutated: the walk stops where the bytes run out
	 * @return {offset, width} of each field found
	 */
	public static List<int[]> lengthFields(byte[] body) {
		return walk(body, false);
	}

	private static List<int[]> walk(byte[] body, boolean withKinds) {
		List<int[]> fields = new ArrayList<>();
		if (body.length < 2) {
			return fields;
		}
		fields.add(new int[] { 0, 2 });
		int count = u(body, 0, 2);
		int pos = 2;
		for (int e = 0; e < count; e++) {
			if (withKinds && pos < body.length) {
				fields.add(new int[] { pos, 1 });
			}
			pos += 34; // kind, hops, origin, id, timestamp
			if (pos + 2 > body.length) {
				break;
			}
			fields.add(new int[] { pos, 2 });
			pos += 2 + u(body, pos, 2);
			if (pos + 1 > body.length) {
				break;
			}
			fields.add(new int[] { pos, 1 });
			int headers = u(body, pos, 1);
			pos += 1;
			for (int h = 0; h < headers && pos + 1 <= body.length; h++) {
				fields.add(new int[] { pos, 1 });
				pos += 1 + u(body, pos, 1);
				if (pos + 2 > body.length) {
					break;
				}
				fields.add(new int[] { pos, 2 });
				pos += 2 + u(body, pos, 2);
			}
			if (pos + 4 > body.length) {
				break;
			}
			fields.add(new int[] { pos, 4 });
			pos += 4 + u(body, pos, 4);
			if (pos < 0 || pos >= body.length) {
				break;
			}
		}
		return fields;
	}

	private static int u(byte[] body, int offset, int width) {
		int value = 0;
		for (int i = 0; i < width; i++) {
			value = (value << 8) | (body[offset + i] & 0xFF);
		}
		return value;
	}

	/**
	 * @param body a body
	 * @return the frame: a correct header announcing the body's length, then the body
	 */
	public static byte[] frame(byte[] body) {
		byte[] frame = new byte[WireFormat.FRAME_HEADER_BYTES + body.length];
		System.arraycopy(RawPeer.header(WireFormat.MAGIC, WireFormat.PROTOCOL_VERSION, body.length), 0, frame, 0,
				WireFormat.FRAME_HEADER_BYTES);
		System.arraycopy(body, 0, frame, WireFormat.FRAME_HEADER_BYTES, body.length);
		return frame;
	}

}
