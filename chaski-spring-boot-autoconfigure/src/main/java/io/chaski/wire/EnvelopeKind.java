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
	/**
	 * The sender writes nothing more on the connection this arrives on: its traffic to the receiver goes on over
	 * another connection between the two (a duplicate resolved, docs/protocol.md 4.2). Empty payload.
	 */
	HANDOVER(17),
	/**
	 * Full state sync, asking: the sender's whole member list with complete metadata; answered with
	 * {@link #MEMBERS_PULL} (docs/protocol.md).
	 */
	MEMBERS_PUSH(32),
	/** Full state sync, answering a {@link #MEMBERS_PUSH}: the answering node's whole member list. */
	MEMBERS_PULL(33),
	/** The services the sender offers for remote calls: the full set, sent after the handshake and on change. */
	SERVICES(48),
	/** A remote call: service in the topic, method signature and deadline in headers, arguments as payload. */
	CALL(49),
	/** The result of a {@link #CALL}, with the call's id. */
	RESULT(50),
	/** A {@link #CALL} failed or was refused: reason, exception type, message and the answering node. */
	CALL_FAILED(51),
	/** Storage: asks a peer for a key's value (correlation id, key). */
	STORAGE_FETCH(64),
	/** Storage: answers {@link #STORAGE_FETCH} with the value and its remaining time to live, or "not here". */
	STORAGE_FETCH_REPLY(65),
	/** Storage: asks a peer to hold a key for this claimer (correlation id, key). */
	STORAGE_CLAIM(66),
	/** Storage: answers {@link #STORAGE_CLAIM}: the key is held for the claimer, or not available. */
	STORAGE_CLAIM_OFFER(67),
	/** Storage: the claimer takes the key a {@link #STORAGE_CLAIM_OFFER} held for it. */
	STORAGE_CLAIM_ACCEPT(68),
	/** Storage: the claimer does not want the key held for it (another holder won). */
	STORAGE_CLAIM_RELEASE(69),
	/**
	 * Storage: answers {@link #STORAGE_CLAIM_ACCEPT} with the value, hidden at the holder until
	 * {@link #STORAGE_CLAIM_ACK}, or "gone".
	 */
	STORAGE_CLAIM_DONE(70),
	/** Storage replication: writes (values and tombstones, each with its clock and writer), pushed or repairing. */
	STORAGE_REPL_WRITES(71),
	/** Storage replication: the sender's digest of each key bucket, starting an anti-entropy round. */
	STORAGE_REPL_DIGEST(72),
	/** Storage replication: answers {@link #STORAGE_REPL_DIGEST} with the versions of the buckets that differ. */
	STORAGE_REPL_VERSIONS(73),
	/** Storage replication: keys whose rows the sender wants (answered with {@link #STORAGE_REPL_WRITES}). */
	STORAGE_REPL_WANT(74),
	/** Storage: the claimer has the value a {@link #STORAGE_CLAIM_DONE} carried; only now does the holder delete it. */
	STORAGE_CLAIM_ACK(75),
	/** A piece of a file at an offset, sent only within the credit the receiver granted. */
	FILE_CHUNK(81),
	/** The receiver accepts (more of) a file: the offset it holds and the offset the sender may send up to. */
	FILE_CREDIT(83),
	/** The receiver's last word on a file: stored, refused or failed, with the reason. */
	FILE_RESULT(84),
	/** The sender gives a transfer up; the receiver deletes what it holds of it. */
	FILE_CANCEL(85),
	/**
	 * Offers a file to a peer: transfer id, size, last-modified time, name and metadata (docs/files.md). Code 86
	 * since document revision 6: code 80 was an offer that carried the hash, and is never reused.
	 */
	FILE_START(86),
	/**
	 * The sender sent every byte of a file, and this is their SHA-256; the receiver checks size and hash and answers
	 * with a result. Code 87 since document revision 6 (code 82 was an end without the hash, never reused).
	 */
	FILE_END(87);

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
