package io.chaski.autoconfigure;

import java.time.Duration;

import org.springframework.util.unit.DataSize;

/**
 * Checks that Bean Validation annotations cannot express (durations, sizes, relations between properties).
 * Each failure names the property, so a bad value fails startup with a message that says what to fix.
 */
final class PropertyChecks {

	private PropertyChecks() {
	}

	static void require(boolean condition, String property, String problem) {
		if (!condition) {
			throw new IllegalArgumentException(property + " " + problem);
		}
	}

	static void positive(Duration value, String property) {
		require(value != null && !value.isNegative() && !value.isZero(), property,
				"must be a positive duration but was " + value);
	}

	static void notNegative(Duration value, String property) {
		require(value != null && !value.isNegative(), property, "must not be negative but was " + value);
	}

	static void between(DataSize value, DataSize min, DataSize max, String property) {
		require(value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0, property,
				"must be between " + min + " and " + max + " but was " + value);
	}

	/**
	 * Runs a parser and reports its complaint against the property.
	 * @param parse the parsing step, which throws {@link IllegalArgumentException} on bad input
	 * @param property the property's name
	 */
	static void check(Runnable parse, String property) {
		try {
			parse.run();
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(property + ": " + ex.getMessage(), ex);
		}
	}

}
