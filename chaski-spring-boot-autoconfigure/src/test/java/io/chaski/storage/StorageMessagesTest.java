package io.chaski.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import io.chaski.storage.StorageMessages.StorageProtocolException;

/** Storage payloads from peers are checked before anything is allocated from them. */
class StorageMessagesTest {

	@Test
	void requestsAndRepliesRoundTrip() {
		assertThat(StorageMessages.readKeyRequest(StorageMessages.keyRequest(7, "clé/1"), 16))
			.isEqualTo(new StorageMessages.KeyRequest(7, "clé/1"));
		StorageEntry entry = new StorageEntry("k", new byte[] { 1, 2 }, "application/json", 1_500);
		StorageMessages.EntryReply reply = StorageMessages.readEntryReply(StorageMessages.entryReply(9, entry, 1_000),
				"k", 16);
		assertThat(reply.correlation()).isEqualTo(9);
		assertThat(reply.remainingMillis()).isEqualTo(500);
		assertThat(reply.entry().value()).containsExactly(1, 2);
		assertThat(reply.entry().contentType()).isEqualTo("application/json");
		assertThat(StorageMessages.readEntryReply(StorageMessages.entryReply(9, null, 0), "k", 16).entry()).isNull();
		assertThat(StorageMessages.readOffer(StorageMessages.offer(3, true)).held()).isTrue();
	}

	@Test
	void hostileLengthsAndTrailingBytesAreRefused() {
		byte[] huge = ByteBuffer.allocate(12).putLong(1).putInt(Integer.MAX_VALUE).array();
		byte[] negative = ByteBuffer.allocate(12).putLong(1).putInt(-5).array();
		byte[] beyond = ByteBuffer.allocate(14).putLong(1).putInt(10).put(new byte[2]).array();
		assertThatThrownBy(() -> StorageMessages.readKeyRequest(huge, 512)).isInstanceOf(StorageProtocolException.class);
		assertThatThrownBy(() -> StorageMessages.readKeyRequest(negative, 512))
			.isInstanceOf(StorageProtocolException.class);
		assertThatThrownBy(() -> StorageMessages.readKeyRequest(beyond, 512)).isInstanceOf(StorageProtocolException.class);
		assertThatThrownBy(() -> StorageMessages.readKeyRequest(new byte[3], 512))
			.isInstanceOf(StorageProtocolException.class);
		assertThatThrownBy(() -> StorageMessages.readKeyRequest(StorageMessages.keyRequest(1, "x".repeat(20)), 16))
			.isInstanceOf(StorageProtocolException.class);
		assertThatThrownBy(() -> StorageMessages.readKeyRequest(StorageMessages.keyRequest(1, ""), 16))
			.isInstanceOf(StorageProtocolException.class);
		byte[] trailing = ByteBuffer.allocate(9).putLong(1).put((byte) 0).array();
		assertThatThrownBy(() -> StorageMessages.readCorrelation(trailing)).isInstanceOf(StorageProtocolException.class);
		byte[] badFlag = ByteBuffer.allocate(9).putLong(1).put((byte) 7).array();
		assertThatThrownBy(() -> StorageMessages.readOffer(badFlag)).isInstanceOf(StorageProtocolException.class);
		byte[] bigValue = StorageMessages.entryReply(1, new StorageEntry("k", new byte[32], null, 0), 0);
		assertThatThrownBy(() -> StorageMessages.readEntryReply(bigValue, "k", 16))
			.isInstanceOf(StorageProtocolException.class);
		byte[] negativeTtl = ByteBuffer.allocate(17).putLong(1).put((byte) 1).putLong(-1).array();
		assertThatThrownBy(() -> StorageMessages.readEntryReply(negativeTtl, "k", 16))
			.isInstanceOf(StorageProtocolException.class);
	}

}
