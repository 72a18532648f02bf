package io.chaski.security;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret shared by the members of a mesh ({@code chaski.security.cluster-secret}). Peers prove they know it
 * with HMAC-SHA256; the secret itself never goes on the wire and never into a log line ({@link #toString()}
 * masks it).
 */
public final class ClusterSecret {

	/** Shortest secret accepted: shorter ones are guessable. */
	public static final int MIN_LENGTH = 16;

	private static final String ALGORITHM = "HmacSHA256";

	private final SecretKeySpec key;

	private ClusterSecret(byte[] secret) {
		this.key = new SecretKeySpec(secret, ALGORITHM);
	}

	/**
	 * @param secret the secret, at least {@value #MIN_LENGTH} characters
	 * @return the secret as a key
	 * @throws IllegalArgumentException if it is too short
	 */
	public static ClusterSecret of(String secret) {
		if (secret == null || secret.length() < MIN_LENGTH) {
			throw new IllegalArgumentException("the cluster secret must be at least " + MIN_LENGTH + " characters long");
		}
		return new ClusterSecret(secret.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * @param parts the bytes to authenticate, in order (each is length-prefixed, so parts cannot be shifted)
	 * @return HMAC-SHA256 over the parts
	 */
	public byte[] mac(byte[]... parts) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(this.key);
			for (byte[] part : parts) {
				mac.update(new byte[] { (byte) (part.length >>> 24), (byte) (part.length >>> 16),
						(byte) (part.length >>> 8), (byte) part.length });
				mac.update(part);
			}
			return mac.doFinal();
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/**
	 * @param expected the MAC computed here
	 * @param received the MAC a peer sent
	 * @return whether they match, compared in constant time
	 */
	public static boolean matches(byte[] expected, byte[] received) {
		return received != null && MessageDigest.isEqual(expected, received);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof ClusterSecret that && Arrays.equals(this.key.getEncoded(), that.key.getEncoded());
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.key.getEncoded());
	}

	@Override
	public String toString() {
		return "******";
	}

}
