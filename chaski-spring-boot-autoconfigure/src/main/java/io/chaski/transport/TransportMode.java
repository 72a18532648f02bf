package io.chaski.transport;

/**
 * Which Spring Integration connection factories carry the TCP traffic.
 */
public enum TransportMode {

	/**
	 * NIO factories: a selector thread multiplexes all sockets. Scales to many connections; Spring
	 * Integration hands bytes to the reader one at a time, which caps throughput per connection.
	 */
	NIO,

	/**
	 * Blocking sockets with one reader thread per connection: the fastest choice for the few dozen
	 * connections a Chaski node usually keeps.
	 */
	BLOCKING

}
