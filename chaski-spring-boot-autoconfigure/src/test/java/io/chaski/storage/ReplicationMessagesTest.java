package io.chaski.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.chaski.storage.ReplicationMessages.Purpose;
import io.chaski.storage.ReplicationMessages.Versions;
import io.chaski.storage.ReplicationMessages.Writes;
import io.chaski.storage.StorageMessages.StorageProtocolException;

/** The replication payloads: round trips, and every hostile shape refused before anything is allocated. */
class ReplicationMessagesTest {

	private final ReplicationMessages messages = new ReplicationMessages(4, 16, 64);

	private final String origin = UUID.randomUUID().toString();

	private final StorageEntry value = new StorageEntry("key", new byte[] { 1, 2, 3 }, "application/json", 99, 7,
			this.origin, false);

	private final StorageEntry tombstone = StorageEntry.tombstone("gone", 123, 8, this.origin);

	@Test
	void writesRoundTripWithTheirVersionsAndTombstones() {
		Writes writes = this.messages.readWrites(ReplicationMessages.writes(Purpose.REPAIR, List.of(this.value,
				this.tombstone)));
		assertThat(writes.purpose()).isEqualTo(Purpose.REPAIR);
		assertThat(writes.entries()).hasSize(2);
		StorageEntry read = writes.entries().get(0);
		assertThat(read.version()).isEqualTo(this.value.version());
		assertThat(read.value()).containsExactly(1, 2, 3);
		assertThat(read.contentType()).isEqualTo("application/json");
		assertThat(read.expiresAt()).isEqualTo(99);
		assertThat(writes.entries().get(1).deleted()).isTrue();
		assertThat(writes.entries().get(1).contentType()).isNull();
	}

	@Test
	void digestsVersionsAndWantsRoundTrip() {
		long[] sums = new long[Digests.BUCKETS];
		sums[5] = -1;
		assertThat(ReplicationMessages.readDigest(ReplicationMessages.digest(42, 3, sums)).sums()).containsExactly(sums);
		Versions versions = new Versions(9, true, List.of(1, 1023), 7, "k", List.of(this.value.version()));
		assertThat(this.messages.readVersions(ReplicationMessages.versions(versions))).usingRecursiveComparison()
			.isEqualTo(versions);
		assertThat(this.messages.readWant(ReplicationMessages.want(List.of("a", "b")))).containsExactly("a", "b");
	}

	@Test
	void everyTruncationIsRefused() {
		byte[] writes = ReplicationMessages.writes(Purpose.PUSH, List.of(this.value, this.tombstone));
		for (int length = 0; length < writes.length; length++) {
			byte[] prefix = Arrays.copyOf(writes, length);
			assertThatThrownBy(() -> this.messages.readWrites(prefix)).isInstanceOf(StorageProtocolException.class);
		}
		byte[] longer = Arrays.copyOf(writes, writes.length + 1);
		assertThatThrownBy(() -> this.messages.readWrites(longer)).isInstanceOf(StorageProtocolException.class);
	}

	@Test
	void hostileCountsSizesAndFlagsAreRefused() {
		// more keys than a message may hold, claimed by a count with nothing behind it
		byte[] manyKeys = ByteBuffer.allocate(5).put((byte) 0).putInt(Integer.MAX_VALUE).array();
		assertThatThrownBy(() -> this.messages.readWrites(manyKeys)).hasMessageContaining("keys in one message");
		byte[] fiveWants = ReplicationMessages.want(List.of("a", "b", "c", "d", "e"));
		assertThatThrownBy(() -> this.messages.readWant(fiveWants)).isInstanceOf(StorageProtocolException.class);
		// a key over the limit, a value over the limit, a tombstone with a value or without an expiry, a negative expiry
		StorageEntry longKey = new StorageEntry("k".repeat(17), new byte[0], null, 0, 1, this.origin, false);
		StorageEntry bigValue = new StorageEntry("k", new byte[65], null, 0, 1, this.origin, false);
		StorageEntry heavyTombstone = new StorageEntry("k", new byte[1], null, 5, 1, this.origin, true);
		StorageEntry everlastingTombstone = new StorageEntry("k", new byte[0], null, 0, 1, this.origin, true);
		StorageEntry negativeExpiry = new StorageEntry("k", new byte[0], null, -1, 1, this.origin, false);
		for (StorageEntry entry : List.of(longKey, bigValue, heavyTombstone, everlastingTombstone, negativeExpiry)) {
			byte[] payload = ReplicationMessages.writes(Purpose.PUSH, List.of(entry));
			assertThatThrownBy(() -> this.messages.readWrites(payload)).isInstanceOf(StorageProtocolException.class);
		}
		byte[] badPurpose = ReplicationMessages.writes(Purpose.PUSH, List.of());
		badPurpose[0] = 9;
		assertThatThrownBy(() -> this.messages.readWrites(badPurpose)).hasMessageContaining("purpose");
		// a digest with another bucket count, versions naming a bucket that does not exist
		byte[] fewBuckets = ReplicationMessages.digest(1, 0, new long[3]);
		assertThatThrownBy(() -> ReplicationMessages.readDigest(fewBuckets)).hasMessageContaining("buckets");
		byte[] badBucket = ReplicationMessages.versions(new Versions(1, false, List.of(Digests.BUCKETS), -1, null,
				List.of()));
		assertThatThrownBy(() -> this.messages.readVersions(badBucket)).hasMessageContaining("bucket");
	}

	@Test
	void lastWriterWinsByTimestampThenByWriter() {
		Version older = new Version("k", 1, "b");
		Version newer = new Version("k", 2, "a");
		assertThat(newer.newerThan(older)).isTrue();
		assertThat(older.newerThan(newer)).isFalse();
		assertThat(new Version("k", 2, "b").newerThan(newer)).isTrue();
		assertThat(newer.newerThan(newer)).as("the same write is not news").isFalse();
	}

}
