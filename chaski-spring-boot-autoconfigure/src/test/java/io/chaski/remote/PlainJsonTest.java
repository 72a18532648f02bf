package io.chaski.remote;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.chaski.wire.DefaultPayloadCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plain-value shortcut writes exactly the default codec's JSON, reads what the codec reads, and hands
 * everything else to the codec.
 */
class PlainJsonTest {

	private final DefaultPayloadCodec codec = new DefaultPayloadCodec();

	@Test
	void writesTheCodecsBytesAndReadsThemBack() {
		List<Object> values = List.of(0, 42, -7, Integer.MAX_VALUE, Integer.MIN_VALUE, 0L, 123_456_789_012_345_678L,
				-123_456_789_012_345_678L, true, false);
		for (Object value : values) {
			byte[] plain = PlainJson.write(value);
			assertThat(plain).as("plain JSON of %s", value).isEqualTo(this.codec.encode(value).bytes());
			Class<?> type = value.getClass();
			assertThat(PlainJson.read(plain, type)).as("read back %s", value).isEqualTo(value);
		}
		for (long value : new long[] { 9, 10, 99, 100, -1, -10, Long.MAX_VALUE, Long.MIN_VALUE + 1 }) {
			assertThat(PlainJson.write(value)).as("digits of %s", value).isEqualTo(this.codec.encode(value).bytes());
		}
		assertThat(PlainJson.read("42".getBytes(StandardCharsets.US_ASCII), int.class)).isEqualTo(42);
		assertThat(PlainJson.read("true".getBytes(StandardCharsets.US_ASCII), boolean.class)).isEqualTo(true);
	}

	@Test
	void leavesOtherValuesToTheCodec() {
		assertThat(PlainJson.write("text")).as("text is no JSON in the codec").isNull();
		assertThat(PlainJson.write(1.5)).isNull();
		assertThat(PlainJson.write(List.of(1))).isNull();
		assertThat(PlainJson.write(Long.MIN_VALUE)).as("19 digits: codec")
			.isEqualTo(this.codec.encode(Long.MIN_VALUE).bytes());
	}

	@Test
	void bytesItCannotVouchForGoToTheCodec() {
		assertNotPlain("2147483648", int.class); // out of int range: the codec reports it
		assertNotPlain("007", int.class); // JSON has no leading zeros
		assertNotPlain("-", int.class);
		assertNotPlain("", long.class);
		assertNotPlain("1e3", int.class);
		assertNotPlain("12345678901234567890", long.class);
		assertNotPlain(String.valueOf(Long.MAX_VALUE), long.class); // 19 digits: the codec reads it
		assertNotPlain("\"42\"", int.class);
		assertNotPlain("TRUE", boolean.class);
		assertNotPlain("\"text\"", String.class);
		assertNotPlain("42", double.class);
	}

	private static void assertNotPlain(String json, Type type) {
		assertThat(PlainJson.read(json.getBytes(StandardCharsets.UTF_8), type)).as("%s as %s", json, type)
			.isSameAs(PlainJson.NOT_PLAIN);
	}

}
