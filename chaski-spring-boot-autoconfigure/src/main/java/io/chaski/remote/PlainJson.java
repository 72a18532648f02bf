package io.chaski.remote;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The JSON of the commonest argument and result values ({@code int}, {@code long}, {@code boolean}), written
 * and read without Jackson: for an {@code int echo(int)} call Jackson's generator, parser and buffer recycling
 * were a quarter of the CPU per call. The bytes are exactly what the default codec writes ({@code 42},
 * {@code true}), so peers see no difference; anything else goes through the codec as before (strings and
 * {@code byte[]} already do without Jackson).
 */
final class PlainJson {

	/** Returned by {@link #read} for bytes or a type it does not handle. */
	static final Object NOT_PLAIN = new Object();

	private static final byte[] TRUE = { 't', 'r', 'u', 'e' };

	private static final byte[] FALSE = { 'f', 'a', 'l', 's', 'e' };

	/** 10 to the power of the index, as far as an {@code int} goes. */
	private static final int[] TENS = { 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
			1_000_000_000 };

	/** What {@link #digits(byte[])} returns for bytes that are not a number it reads: 18 digits never give it. */
	private static final long NO_NUMBER = Long.MIN_VALUE;

	private PlainJson() {
	}

	/**
	 * @param value a non-null value
	 * @return its JSON, or {@code null} if it is not a plain value
	 */
	static byte[] write(Object value) {
		if (value instanceof Integer number) {
			return digits(number.intValue());
		}
		if (value instanceof Long number) {
			return digits(number.longValue());
		}
		if (value instanceof Boolean flag) {
			return (flag ? TRUE : FALSE).clone();
		}
		return null;
	}

	/**
	 * @param bytes JSON from a peer
	 * @param type the declared type of the value
	 * @return the value, or {@link #NOT_PLAIN} if the type or the bytes need the codec (which then also
	 * reports bytes that are not JSON at all)
	 */
	static Object read(byte[] bytes, Type type) {
		if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
			long value = digits(bytes);
			if (value == NO_NUMBER) {
				return NOT_PLAIN;
			}
			if (type == long.class || type == Long.class) {
				return value;
			}
			return (value == (int) value) ? (Object) (int) value : NOT_PLAIN;
		}
		if (type == boolean.class || type == Boolean.class) {
			return Arrays.equals(bytes, TRUE) ? Boolean.TRUE : Arrays.equals(bytes, FALSE) ? Boolean.FALSE : NOT_PLAIN;
		}
		return NOT_PLAIN;
	}

	/** A number's decimal digits, written straight into its bytes (no {@code String} on the way). */
	private static byte[] digits(long value) {
		if (value != (int) value || value == Integer.MIN_VALUE) {
			return Long.toString(value).getBytes(StandardCharsets.ISO_8859_1); // rare: long arithmetic is slow
		}
		int rest = Math.abs((int) value);
		int sign = (value < 0) ? 1 : 0;
		int length = sign + 1;
		while (length - sign < 10 && rest >= TENS[length - sign]) {
			length++;
		}
		byte[] bytes = new byte[length];
		for (int i = length - 1; i >= sign; i--) {
			int next = rest / 10;
			bytes[i] = (byte) ('0' + rest - next * 10);
			rest = next;
		}
		if (sign == 1) {
			bytes[0] = '-';
		}
		return bytes;
	}

	/**
	 * An optional minus and 1 to 18 digits (so no overflow), no leading zero (as JSON), or {@link #NO_NUMBER}.
	 */
	private static long digits(byte[] bytes) {
		int start = (bytes.length > 0 && bytes[0] == '-') ? 1 : 0;
		int count = bytes.length - start;
		if (count < 1 || count > 18 || (count > 1 && bytes[start] == '0')) {
			return NO_NUMBER;
		}
		long value = 0;
		for (int i = start; i < bytes.length; i++) {
			int digit = bytes[i] - '0';
			if (digit < 0 || digit > 9) {
				return NO_NUMBER;
			}
			value = value * 10 + digit;
		}
		return (start == 1) ? -value : value;
	}

}
