package io.chaski.storage;

/**
 * Digests for anti-entropy: keys fall into {@value #BUCKETS} buckets by a hash of the key, and a bucket's digest is
 * the sum of a 64-bit hash of each row's version (key, timestamp, writer). Two nodes whose digests of a bucket
 * agree hold the same versions there (up to a hash collision); only the buckets that differ are listed key by key.
 * The hashes are computed over the key's UTF-16 code units, the same on every JVM.
 */
final class Digests {

	/** Buckets per node; a power of two. */
	static final int BUCKETS = 1024;

	private static final int BUCKET_SHIFT = Long.SIZE - Integer.numberOfTrailingZeros(BUCKETS);

	private static final long FNV_OFFSET = 0xcbf29ce484222325L;

	private static final long FNV_PRIME = 0x100000001b3L;

	private final long[] sums = new long[BUCKETS];

	/** @param version a row's version, counted into its bucket */
	void add(Version version) {
		long key = hash(version.key());
		this.sums[bucket(key)] += mix(key ^ mix(version.hlc()) ^ mix(hash(version.origin())));
	}

	/** @return the digest of every bucket (a copy) */
	long[] sums() {
		return this.sums.clone();
	}

	/**
	 * @param key a key
	 * @return its bucket, 0 to {@value #BUCKETS} - 1
	 */
	static int bucketOf(String key) {
		return bucket(hash(key));
	}

	private static int bucket(long keyHash) {
		return (int) (mix(keyHash) >>> BUCKET_SHIFT);
	}

	/** FNV-1a, 64 bits, over the UTF-16 code units. */
	private static long hash(String text) {
		long hash = FNV_OFFSET;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			hash = (hash ^ (c & 0xff)) * FNV_PRIME;
			hash = (hash ^ (c >>> 8)) * FNV_PRIME;
		}
		return hash;
	}

	/** SplitMix64's finaliser: spreads every input bit over the output. */
	private static long mix(long value) {
		long z = value;
		z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
		z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
		return z ^ (z >>> 31);
	}

}
