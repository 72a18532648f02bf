package io.chaski.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link FrameBuffer} writes and {@link FrameDecoder} reads the layout documented in {@link WireFormat}.
 */
class FrameCodecTest {

	private static final UUID ORIGIN = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef");

	@Test
	void severalEnvelopesRoundTripInOneFrame() throws Exception {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(Envelope.CONTENT_TYPE, "application/json");
		headers.put("x-trace", "ünïcødé ✓");
		byte[] large = new byte[300_000];
		new Random(7).nextBytes(large);
		List<Envelope> sent = List.of(
				new Envelope(EnvelopeKind.PUBLISH, ORIGIN, 1, 16, 1_700_000_000_000L, "prices", Map.of(),
						"a".getBytes(StandardCharsets.UTF_8)),
				new Envelope(EnvelopeKind.PUBLISH, ORIGIN, 2, 1, 1L, "prices", headers, new byte[0]),
				new Envelope(EnvelopeKind.PUBLISH, UUID.randomUUID(), Long.MAX_VALUE, 255, -1L, "日本語/トピック🚀",
						Map.of(Envelope.CONTENT_TYPE, DefaultPayloadCodec.TEXT), large),
				Envelope.control(EnvelopeKind.PING, ORIGIN, 42, new byte[] { 1, 2, 3 }),
				Envelope.control(EnvelopeKind.BYE, ORIGIN, 0, null));

		FrameBuffer buffer = new FrameBuffer(64, 1 << 20);
		for (Envelope envelope : sent) {
			assertThat(buffer.tryAdd(envelope)).isTrue();
		}
		buffer.finish();
		byte[] frame = Arrays.copyOf(buffer.array(), buffer.length());

		assertThat(frame.length).isEqualTo(WireFormat.FRAME_HEADER_BYTES + 2
				+ sent.stream().mapToInt(FrameBuffer::encodedSize).sum());
		assertThat(frame[0]).isEqualTo((byte) 'C');
		assertThat(frame[1]).isEqualTo((byte) 'K');
		assertThat(frame[2]).isEqualTo((byte) WireFormat.PROTOCOL_VERSION);
		assertThat(readInt(frame, 4)).isEqualTo(frame.length - WireFormat.FRAME_HEADER_BYTES);

		List<Envelope> received = decode(body(frame));
		assertThat(received).hasSize(sent.size());
		for (int i = 0; i < sent.size(); i++) {
			assertSameEnvelope(received.get(i), sent.get(i));
		}
	}

	@Test
	void bufferIsReusableAfterReset() throws Exception {
		FrameBuffer buffer = new FrameBuffer(16, 4096);
		for (int round = 0; round < 3; round++) {
			buffer.reset();
			Envelope envelope = new Envelope(EnvelopeKind.PUBLISH, ORIGIN, round, 3, round, "t" + round, Map.of(),
					new byte[round * 100]);
			assertThat(buffer.tryAdd(envelope)).isTrue();
			buffer.finish();
			List<Envelope> received = decode(body(Arrays.copyOf(buffer.array(), buffer.length())));
			assertThat(received).singleElement().satisfies(e -> assertSameEnvelope(e, envelope));
		}
	}

	@Test
	void fullFrameRefusesTheNextEnvelopeWithoutWritingIt() throws Exception {
		FrameBuffer buffer = new FrameBuffer(64, 1024);
		Envelope envelope = new Envelope(EnvelopeKind.PUBLISH, ORIGIN, 1, 1, 0, "t", Map.of(), new byte[400]);
		assertThat(buffer.tryAdd(envelope)).isTrue();
		assertThat(buffer.tryAdd(envelope)).isTrue();
		int length = buffer.length();
		assertThat(buffer.tryAdd(envelope)).isFalse();
		assertThat(buffer.length()).isEqualTo(length);
		assertThat(buffer.envelopeCount()).isEqualTo(2);
	}

	@Test
	void tooLongTopicIsRefused() {
		FrameBuffer buffer = new FrameBuffer(64, Integer.MAX_VALUE);
		Envelope envelope = new Envelope(EnvelopeKind.PUBLISH, ORIGIN, 1, 1, 0, "x".repeat(70_000), Map.of(), null);
		assertThatThrownBy(() -> buffer.tryAdd(envelope)).isInstanceOf(WireFormatException.class)
			.hasMessageContaining("topic too long");
	}

	@Test
	void decoderRejectsAnEnvelopeThatOverrunsItsFrame() throws Exception {
		byte[] body = body(frameOf(new Envelope(EnvelopeKind.PUBLISH, ORIGIN, 1, 1, 0, "t", Map.of(), new byte[10])));
		// claim a payload longer than the bytes that follow
		int payloadLengthAt = body.length - 10 - 4;
		body[payloadLengthAt + 2] = 1;
		assertThatThrownBy(() -> decode(body)).isInstanceOf(WireFormatException.class)
			.hasMessageContaining("overruns its frame");
	}

	@Test
	void decoderRejectsANegativePayloadLength() throws Exception {
		byte[] body = body(frameOf(new Envelope(EnvelopeKind.PUBLISH, ORIGIN, 1, 1, 0, "t", Map.of(), new byte[10])));
		body[body.length - 10 - 4] = (byte) 0x80;
		assertThatThrownBy(() -> decode(body)).isInstanceOf(WireFormatException.class)
			.hasMessageContaining("overruns its frame");
	}

	@Test
	void decoderRejectsMoreEnvelopesThanTheBodyHolds() throws Exception {
		byte[] body = body(frameOf(Envelope.control(EnvelopeKind.PING, ORIGIN, 1, null)));
		body[1] = 2; // count says 2, only one follows
		assertThatThrownBy(() -> decode(body)).isInstanceOf(WireFormatException.class)
			.hasMessageContaining("overruns its frame");
	}

	@Test
	void decoderRejectsAnUnknownKind() throws Exception {
		byte[] body = body(frameOf(Envelope.control(EnvelopeKind.PING, ORIGIN, 1, null)));
		body[2] = (byte) 99; // the first envelope's kind byte
		assertThatThrownBy(() -> decode(body)).isInstanceOf(WireFormatException.class)
			.hasMessageContaining("unknown envelope kind 99");
	}

	@Test
	void decoderRejectsStrayBytesAfterTheLastEnvelope() throws Exception {
		byte[] body = body(frameOf(Envelope.control(EnvelopeKind.PING, ORIGIN, 1, null)));
		byte[] longer = Arrays.copyOf(body, body.length + 3);
		assertThatThrownBy(() -> decode(longer)).isInstanceOf(WireFormatException.class)
			.hasMessageContaining("3 stray bytes");
	}

	@Test
	void decoderRejectsAnEmptyBody() {
		assertThatThrownBy(() -> decode(new byte[0])).isInstanceOf(WireFormatException.class);
		assertThatThrownBy(() -> decode(new byte[1])).isInstanceOf(WireFormatException.class);
	}

	@Test
	void kindCodesAreStableAndUnknownCodesAreNull() {
		assertThat(EnvelopeKind.fromCode(1)).isEqualTo(EnvelopeKind.HELLO);
		assertThat(EnvelopeKind.fromCode(2)).isEqualTo(EnvelopeKind.HELLO_ACK);
		assertThat(EnvelopeKind.fromCode(3)).isEqualTo(EnvelopeKind.BYE);
		assertThat(EnvelopeKind.fromCode(4)).isEqualTo(EnvelopeKind.PING);
		assertThat(EnvelopeKind.fromCode(5)).isEqualTo(EnvelopeKind.PONG);
		assertThat(EnvelopeKind.fromCode(6)).isEqualTo(EnvelopeKind.SUBSCRIPTIONS);
		assertThat(EnvelopeKind.fromCode(16)).isEqualTo(EnvelopeKind.PUBLISH);
		assertThat(EnvelopeKind.fromCode(0)).isNull();
		assertThat(EnvelopeKind.fromCode(255)).isNull();
	}

	@Test
	void envelopeRejectsHopCountsTheWireCannotCarry() {
		assertThatThrownBy(() -> new Envelope(EnvelopeKind.PUBLISH, ORIGIN, 1, 256, 0, "t", null, null))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new Envelope(EnvelopeKind.PUBLISH, ORIGIN, 1, -1, 0, "t", null, null))
			.isInstanceOf(IllegalArgumentException.class);
	}

	static byte[] frameOf(Envelope... envelopes) throws WireFormatException {
		FrameBuffer buffer = new FrameBuffer(64, Integer.MAX_VALUE);
		for (Envelope envelope : envelopes) {
			buffer.tryAdd(envelope);
		}
		buffer.finish();
		return Arrays.copyOf(buffer.array(), buffer.length());
	}

	private static byte[] body(byte[] frame) {
		return Arrays.copyOfRange(frame, WireFormat.FRAME_HEADER_BYTES, frame.length);
	}

	private static List<Envelope> decode(byte[] body) throws WireFormatException {
		List<Envelope> out = new ArrayList<>();
		int count = new FrameDecoder().decode(body, out::add);
		assertThat(count).isEqualTo(out.size());
		return out;
	}

	private static int readInt(byte[] bytes, int at) {
		return ((bytes[at] & 0xFF) << 24) | ((bytes[at + 1] & 0xFF) << 16) | ((bytes[at + 2] & 0xFF) << 8)
				| (bytes[at + 3] & 0xFF);
	}

	private static void assertSameEnvelope(Envelope actual, Envelope expected) {
		assertThat(actual.kind()).isEqualTo(expected.kind());
		assertThat(actual.origin()).isEqualTo(expected.origin());
		assertThat(actual.id()).isEqualTo(expected.id());
		assertThat(actual.hopsLeft()).isEqualTo(expected.hopsLeft());
		assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
		assertThat(actual.topic()).isEqualTo(expected.topic());
		assertThat(actual.headers()).isEqualTo(expected.headers());
		assertThat(actual.payload()).isEqualTo(expected.payload());
	}

}
