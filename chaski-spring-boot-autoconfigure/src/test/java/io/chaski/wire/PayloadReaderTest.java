package io.chaski.wire;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile lengths and short payloads fail with the caller's exception before anything is allocated. */
class PayloadReaderTest {

	private static PayloadReader reader(byte[] payload) {
		return new PayloadReader(payload, IllegalStateException::new);
	}

	@Test
	void readsWhatWasWritten() {
		byte[] payload = ByteBuffer.allocate(1 + 2 + 4 + 8 + 3).put((byte) 200).putShort((short) 60000).putInt(-7)
			.putLong(Long.MAX_VALUE).put(new byte[] { 'a', 'b', 'c' }).array();
		PayloadReader in = reader(payload);
		assertThat(in.u8()).isEqualTo(200);
		assertThat(in.u16()).isEqualTo(60000);
		assertThat(in.i32()).isEqualTo(-7);
		assertThat(in.i64()).isEqualTo(Long.MAX_VALUE);
		assertThat(in.utf8(3, 3)).isEqualTo("abc");
		in.end();
	}

	@Test
	void claimedLengthsAreCheckedAgainstWhatIsLeftAndTheLimit() {
		byte[] payload = new byte[16];
		assertThatThrownBy(() -> reader(payload).bytes(Integer.MAX_VALUE)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("claims 2147483647 bytes but 16 are left");
		assertThatThrownBy(() -> reader(payload).bytes(-1)).hasMessageContaining("claims 4294967295 bytes");
		assertThatThrownBy(() -> reader(payload).bytes(8, 4)).hasMessageContaining("more than the limit of 4");
		assertThatThrownBy(() -> reader(new byte[3]).i32()).hasMessageContaining("ends early");
	}

	@Test
	void strayBytesAndBrokenTextAreRefused() {
		assertThatThrownBy(() -> reader(new byte[2]).end()).hasMessageContaining("2 stray bytes");
		assertThatThrownBy(() -> reader(new byte[] { (byte) 0xC3 }).utf8(1, 1)).hasMessageContaining("not UTF-8");
	}

}
