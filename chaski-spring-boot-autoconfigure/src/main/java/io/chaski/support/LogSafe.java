package io.chaski.support;

/**
 * Makes peer-supplied text safe to put in a log line: control characters (newlines above all, which would
 * let a peer forge log lines) are escaped and the length is capped.
 */
public final class LogSafe {

	/** Longest peer-supplied string a log line shows. */
	public static final int MAX_CHARS = 128;

	private LogSafe() {
	}

	/**
	 * @param text text that came from the network (a node name, a reason, a topic)
	 * @return the text with control characters as {@code \n}, {@code \t}, {@code \}{@code uXXXX}, cut to
	 * {@value #MAX_CHARS} characters with the number of characters left out
	 */
	public static String of(Object text) {
		if (text == null) {
			return "null";
		}
		String value = text.toString();
		int shown = Math.min(value.length(), MAX_CHARS);
		StringBuilder out = null;
		for (int i = 0; i < shown; i++) {
			char c = value.charAt(i);
			if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
				if (out == null) {
					out = new StringBuilder(shown + 16).append(value, 0, i);
				}
				switch (c) {
					case '\n' -> out.append("\\n");
					case '\r' -> out.append("\\r");
					case '\t' -> out.append("\\t");
					default -> out.append(String.format("\\u%04x", (int) c));
				}
			}
			else if (out != null) {
				out.append(c);
			}
		}
		String safe = (out != null) ? out.toString() : value.substring(0, shown);
		return (value.length() > shown) ? safe + "...(" + (value.length() - shown) + " more)" : safe;
	}

}
