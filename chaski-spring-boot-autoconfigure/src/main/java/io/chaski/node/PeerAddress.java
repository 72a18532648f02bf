package io.chaski.node;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a node listens, as users write it: {@code host:port}, {@code name@host:port}, {@code [::1]:port} or
 * {@code name@[fe80::1]:port}. Host names are kept as written and resolved when connecting.
 *
 * @param name the node name, or {@code null} when the address did not give one
 * @param host host name or IP literal (IPv6 without brackets)
 * @param port TCP port, 1..65535
 */
public record PeerAddress(String name, String host, int port) {

	private static final Pattern FORMAT = Pattern
		.compile("^(?:\\*?([^@\\s]+)@)?(?:\\[([0-9A-Fa-f:.%\\w]+)]|([^:\\[\\]\\s@]+)):(\\d{1,5})$");

	/** Validates the components; see the record description. */
	public PeerAddress {
		Objects.requireNonNull(host, "host");
		if (host.isBlank()) {
			throw new IllegalArgumentException("host must not be blank");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port must be 1..65535 but was " + port);
		}
	}

	/**
	 * @param text an address such as {@code alpha@10.0.0.5:7000} or {@code [::1]:7000}
	 * @return the parsed address
	 * @throws IllegalArgumentException with the expected format if the text does not match it
	 */
	public static PeerAddress parse(String text) {
		Matcher matcher = FORMAT.matcher((text != null) ? text.trim() : "");
		if (!matcher.matches()) {
			throw new IllegalArgumentException("Invalid node address '" + text
					+ "': expected host:port, name@host:port or [ipv6]:port");
		}
		String host = (matcher.group(2) != null) ? matcher.group(2) : matcher.group(3);
		int port = Integer.parseInt(matcher.group(4));
		return new PeerAddress(matcher.group(1), host, port);
	}

	/** @return {@code host:port}, with brackets around IPv6 literals */
	public String hostAndPort() {
		return (this.host.contains(":") ? "[" + this.host + "]" : this.host) + ":" + this.port;
	}

	@Override
	public String toString() {
		return (this.name != null ? this.name + "@" : "") + hostAndPort();
	}

}
