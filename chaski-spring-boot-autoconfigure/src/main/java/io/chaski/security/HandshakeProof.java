package io.chaski.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * The proofs of the authenticated TCP handshake (docs/protocol.md 4.1): each side proves it knows the
 * {@link ClusterSecret} with HMAC-SHA256 over both sides' fresh nonces, both claimed node ids and its role. The
 * other side's nonce makes a recorded proof useless on a new connection; the role label keeps a dialler's proof
 * from being reflected back as an acceptor's and the other way round; the ids bind the proof to who claims what.
 */
public final class HandshakeProof {

	/** Bytes of a nonce and of a proof. */
	public static final int BYTES = 32;

	private static final SecureRandom RANDOM = new SecureRandom();

	private HandshakeProof() {
	}

	/** Which end of the connection a proof speaks for. */
	public enum Role {

		/** The node that opened the connection (sends HELLO and AUTH). */
		DIALER("chaski-auth-v1 dialer"),

		/** The node that accepted it (answers HELLO_ACK). */
		ACCEPTOR("chaski-auth-v1 acceptor");

		private final byte[] label;

		Role(String label) {
			this.label = label.getBytes(StandardCharsets.US_ASCII);
		}

	}

	/** @return {@value #BYTES} fresh random bytes */
	public static byte[] newNonce() {
		byte[] nonce = new byte[BYTES];
		RANDOM.nextBytes(nonce);
		return nonce;
	}

	/**
	 * @param secret the cluster secret
	 * @param role whose proof this is
	 * @param dialerNonce the nonce of the HELLO
	 * @param acceptorNonce the nonce of the HELLO_ACK
	 * @param dialer the node id the HELLO claims
	 * @param acceptor the node id the HELLO_ACK claims
	 * @return the proof
	 */
	public static byte[] of(ClusterSecret secret, Role role, byte[] dialerNonce, byte[] acceptorNonce, UUID dialer,
			UUID acceptor) {
		return secret.mac(role.label, dialerNonce, acceptorNonce, bytes(dialer), bytes(acceptor));
	}

	/**
	 * @param secret the cluster secret
	 * @param received the proof the peer sent (may be {@code null} or of any length)
	 * @param role the peer's role
	 * @param dialerNonce the nonce of the HELLO
	 * @param acceptorNonce the nonce of the HELLO_ACK
	 * @param dialer the node id the HELLO claims
	 * @param acceptor the node id the HELLO_ACK claims
	 * @return whether the proof is right, compared in constant time
	 */
	public static boolean verify(ClusterSecret secret, byte[] received, Role role, byte[] dialerNonce,
			byte[] acceptorNonce, UUID dialer, UUID acceptor) {
		return ClusterSecret.matches(of(secret, role, dialerNonce, acceptorNonce, dialer, acceptor), received);
	}

	private static byte[] bytes(UUID id) {
		return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits())
			.array();
	}

}
