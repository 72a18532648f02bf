package io.chaski.wire;

/**
 * What an {@link Envelope} is for. The code is the byte that travels on the wire; codes are never reused.
 */
public enum EnvelopeKind {

	/** Opens a connection: the connector's identity, address, protocol version and subscriptions. */
	HELLO(1),
	/**
	 * Answers {@link #HELLO} with the acceptor's identity (and with a cluster secret its nonce and proof); without
	 * a secret the edge exists on both sides after it.
	 */
	HELLO_ACK(2),
	/** The sender is leaving on purpose: close without reconnecting. */
	BYE(3),
	/** Latency probe; the payload is padding that the answer echoes. */
	PING(4),
	/** Answer to {@link #PING}, carrying the same id and payload. */
	PONG(5),
	/** The sender's subscriptions changed; the payload is the full new set. */
	SUBSCRIPTIONS(6),
	/**
	 * The connector's proof of the cluster secret, answering a {@link #HELLO_ACK} that carried a nonce; sent only
	 * to a peer whose handshake showed it has a secret. An empty payload says the connector refuses the acceptor.
	 */
	AUTH(7),
	/** A topic message, relayed hop by hop. */
	PUBLISH(16),
	/** The services the sender offers for remote calls: the full set, sent after the handshake and on change. */
	SERVICES(48),
	/** A remote call: service in the topic, method signature and deadline in headers, arguments as payload. */
	CALL(49),
	/** The result of a {@link #CALL}, with the call's id. */
	RESULT(50),
	/** A {@link #CALL} failed or was refused: reason, exception type, message and the answering node. */
	CALL_FAILED(51);

	private static final EnvelopeKind[] BY_CODE = new EnvelopeKind[256];

	static {
		for (EnvelopeKind kind : values()) {
			BY_CODE[kind.code] = kind;
		}
	}

	private final int code;

	EnvelopeKind(int code) {
		this.code = code;
	}

	/** @return the byte that identifies this kind on the wire */
	public int code() {
		return this.code;
	}

	/**
	 * @param code a kind byte read off the wire
	 * @return the kind, or {@code null} when this version does not know the code
	 */
	public static EnvelopeKind fromCode(int code) {
		return BY_CODE[code & 0xFF];
	}

}
