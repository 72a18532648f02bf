package io.chaski.storage;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.chaski.storage.StorageMessages.StorageProtocolException;
import io.chaski.wire.PayloadReader;

/**
 * The payloads of the replication envelopes (docs/protocol.md, section 11.1). Reading trusts nothing: counts are
 * checked against {@code max-keys-per-message}, lengths against the bytes that arrived and the storage limits
 * before anything is allocated, flags must be 0 or 1, and trailing bytes are refused.
 */
final class ReplicationMessages {

	/** Why a batch of writes is sent: pushed writes measure the replication lag, repairs do not. */
	enum Purpose {
		/** a write as it happens, pushed to the replicating peers (or relayed by one) */
		PUSH,
		/** an anti-entropy repair */
		REPAIR
	}

	/** A batch of writes. */
	record Writes(Purpose purpose, List<StorageEntry> entries) {
	}

	/** A peer's digests, and the bucket the answer should list from. */
	record Digest(long correlation, int fromBucket, long[] sums) {
	}

	/**
	 * A peer's versions of the buckets whose digests differ.
	 * @param more whether differing buckets were left out (another round should follow)
	 * @param buckets the buckets listed in full
	 * @param partialBucket a bucket listed only up to {@code partialUpTo} (its first keys in order), or -1
	 * @param partialUpTo the last key listed of the partial bucket
	 */
	record Versions(long correlation, boolean more, List<Integer> buckets, int partialBucket, String partialUpTo,
			List<Version> versions) {
	}

	/** Per-entry fixed bytes of a write: key and type lengths, timestamp, origin, flag, expiry, value length. */
	static final int WRITE_OVERHEAD = 4 + 8 + 16 + 1 + 8 + 4 + 4;

	/** Per-entry fixed bytes of a version: key length, timestamp, origin. */
	static final int VERSION_OVERHEAD = 4 + 8 + 16;

	private final int maxKeys;

	private final int maxKeyLength;

	private final int maxValueBytes;

	/**
	 * @param maxKeys most keys in one message
	 * @param maxKeyLength longest key, in characters
	 * @param maxValueBytes largest value
	 */
	ReplicationMessages(int maxKeys, int maxKeyLength, int maxValueBytes) {
		this.maxKeys = maxKeys;
		this.maxKeyLength = maxKeyLength;
		this.maxValueBytes = maxValueBytes;
	}

	/** @return a write's encoded size, to cut batches that fit a frame */
	static long sizeOf(StorageEntry entry) {
		return WRITE_OVERHEAD + 3L * entry.key().length()
				+ ((entry.contentType() != null) ? 3L * entry.contentType().length() : 0) + entry.value().length;
	}

	// ------------------------------------------------------------------ writing

	static byte[] writes(Purpose purpose, List<StorageEntry> entries) {
		return encode(out -> {
			out.writeByte(purpose.ordinal());
			out.writeInt(entries.size());
			for (StorageEntry entry : entries) {
				writeString(out, entry.key());
				out.writeLong(entry.hlc());
				writeOrigin(out, entry.origin());
				out.writeByte(entry.deleted() ? 1 : 0);
				out.writeLong(entry.expiresAt());
				writeString(out, (entry.contentType() != null) ? entry.contentType() : "");
				out.writeInt(entry.value().length);
				out.write(entry.value());
			}
		});
	}

	static byte[] digest(long correlation, int fromBucket, long[] sums) {
		return encode(out -> {
			out.writeLong(correlation);
			out.writeShort(fromBucket);
			out.writeShort(sums.length);
			for (long sum : sums) {
				out.writeLong(sum);
			}
		});
	}

	static byte[] versions(Versions message) {
		return encode(out -> {
			out.writeLong(message.correlation());
			out.writeByte(message.more() ? 1 : 0);
			out.writeShort(message.buckets().size());
			for (int bucket : message.buckets()) {
				out.writeShort(bucket);
			}
			out.writeInt(message.partialBucket());
			writeString(out, (message.partialUpTo() != null) ? message.partialUpTo() : "");
			out.writeInt(message.versions().size());
			for (Version version : message.versions()) {
				writeString(out, version.key());
				out.writeLong(version.hlc());
				writeOrigin(out, version.origin());
			}
		});
	}

	static byte[] want(List<String> keys) {
		return encode(out -> {
			out.writeInt(keys.size());
			for (String key : keys) {
				writeString(out, key);
			}
		});
	}

	private static void writeString(DataOutputStream out, String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		out.writeInt(bytes.length);
		out.write(bytes);
	}

	private static void writeOrigin(DataOutputStream out, String origin) throws IOException {
		UUID id = UUID.fromString(origin);
		out.writeLong(id.getMostSignificantBits());
		out.writeLong(id.getLeastSignificantBits());
	}

	private interface Body {

		void write(DataOutputStream out) throws IOException;

	}

	private static byte[] encode(Body body) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			body.write(out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex); // a byte array does not fail
		}
		return bytes.toByteArray();
	}

	// ------------------------------------------------------------------ reading

	Writes readWrites(byte[] payload) {
		PayloadReader in = reader(payload);
		int purpose = in.u8();
		if (purpose >= Purpose.values().length) {
			throw new StorageProtocolException("purpose " + purpose);
		}
		int count = count(in);
		List<StorageEntry> entries = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			String key = key(in);
			long hlc = in.i64();
			String origin = origin(in);
			boolean deleted = flag(in);
			long expiresAt = in.i64();
			if (expiresAt < 0 || (deleted && expiresAt == 0)) {
				// a tombstone that never expires would never be purged
				throw new StorageProtocolException("expiry " + expiresAt + (deleted ? " of a tombstone" : ""));
			}
			String type = string(in, StorageMessages.MAX_CONTENT_TYPE_BYTES);
			byte[] value = in.bytes(in.i32(), deleted ? 0 : this.maxValueBytes);
			entries.add(new StorageEntry(key, value, type.isEmpty() ? null : type, expiresAt, hlc, origin, deleted));
		}
		in.end();
		return new Writes(Purpose.values()[purpose], entries);
	}

	static Digest readDigest(byte[] payload) {
		PayloadReader in = reader(payload);
		long correlation = in.i64();
		int from = bucket(in.u16());
		int buckets = in.u16();
		if (buckets != Digests.BUCKETS) {
			throw new StorageProtocolException(buckets + " buckets, not " + Digests.BUCKETS);
		}
		long[] sums = new long[buckets];
		for (int i = 0; i < buckets; i++) {
			sums[i] = in.i64();
		}
		in.end();
		return new Digest(correlation, from, sums);
	}

	Versions readVersions(byte[] payload) {
		PayloadReader in = reader(payload);
		long correlation = in.i64();
		boolean more = flag(in);
		int bucketCount = in.u16();
		if (bucketCount > Digests.BUCKETS) {
			throw new StorageProtocolException(bucketCount + " buckets");
		}
		List<Integer> buckets = new ArrayList<>(bucketCount);
		for (int i = 0; i < bucketCount; i++) {
			buckets.add(bucket(in.u16()));
		}
		int partial = in.i32();
		if (partial != -1) {
			bucket(partial);
		}
		String upTo = string(in, 3L * this.maxKeyLength);
		int count = count(in);
		List<Version> versions = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			versions.add(new Version(key(in), in.i64(), origin(in)));
		}
		in.end();
		return new Versions(correlation, more, buckets, partial, upTo, versions);
	}

	List<String> readWant(byte[] payload) {
		PayloadReader in = reader(payload);
		int count = count(in);
		List<String> keys = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			keys.add(key(in));
		}
		in.end();
		return keys;
	}

	private static PayloadReader reader(byte[] payload) {
		return new PayloadReader(payload, StorageProtocolException::new);
	}

	private int count(PayloadReader in) {
		int count = in.i32();
		if (count < 0 || count > this.maxKeys) {
			throw new StorageProtocolException(count + " keys in one message (0.." + this.maxKeys + ")");
		}
		return count;
	}

	private static int bucket(int bucket) {
		if (bucket < 0 || bucket >= Digests.BUCKETS) {
			throw new StorageProtocolException("bucket " + bucket);
		}
		return bucket;
	}

	private String key(PayloadReader in) {
		// a Java char takes at most 3 UTF-8 bytes (a surrogate pair 4 for 2 chars)
		String key = string(in, 3L * this.maxKeyLength);
		if (key.isEmpty() || key.length() > this.maxKeyLength) {
			throw new StorageProtocolException("key of " + key.length() + " characters (1.." + this.maxKeyLength + ")");
		}
		return key;
	}

	private static String string(PayloadReader in, long maxBytes) {
		return new String(in.bytes(in.i32(), maxBytes), StandardCharsets.UTF_8);
	}

	private static String origin(PayloadReader in) {
		return new UUID(in.i64(), in.i64()).toString();
	}

	private static boolean flag(PayloadReader in) {
		int flag = in.u8();
		if (flag != 0 && flag != 1) {
			throw new StorageProtocolException("flag " + flag);
		}
		return flag == 1;
	}

}
