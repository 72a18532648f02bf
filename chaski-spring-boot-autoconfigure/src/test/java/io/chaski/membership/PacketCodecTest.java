package io.chaski.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.chaski.security.ClusterSecret;

/** The membership packet format, and the packets it refuses. */
class PacketCodecTest {

	private static final ClusterSecret SECRET = ClusterSecret.of("a-secret-of-sixteen+");

	private final Member alive = new Member(UUID.randomUUID(), "n", "10.0.0.1", 7700, MemberState.ALIVE, 3,
			new MemberMetadata("10.0.0.1", 7700, List.of("a", "b"), true, "chaski/1", List.of("greeter"), true));

	@Test
	void aSignedPacketReadsBackAsWritten() throws Exception {
		PacketCodec codec = new PacketCodec(SECRET, 1400);
		Member suspect = this.alive.with(MemberState.SUSPECT, 4);
		byte[] bytes = codec.encode(PacketType.PING_REQ, this.alive.id(), 42, suspect.id(),
				List.of(PacketCodec.encodeMember(this.alive), PacketCodec.encodeMember(suspect)));
		Packet packet = codec.decode(bytes);
		assertThat(packet.type()).isEqualTo(PacketType.PING_REQ);
		assertThat(packet.sequence()).isEqualTo(42);
		assertThat(packet.target()).isEqualTo(suspect.id());
		// metadata travels with alive records only
		assertThat(packet.updates()).containsExactly(this.alive,
				new Member(suspect.id(), "n", "10.0.0.1", 7700, MemberState.SUSPECT, 4, MemberMetadata.NONE));
	}

	@Test
	void everyPrefixOfAPacketIsRejectedAsMalformed() {
		PacketCodec codec = new PacketCodec(null, 1400);
		byte[] bytes = codec.encode(PacketType.GOSSIP, this.alive.id(), 0, Packet.NOBODY,
				List.of(PacketCodec.encodeMember(this.alive)));
		for (int length = 0; length < bytes.length; length++) {
			byte[] prefix = Arrays.copyOf(bytes, length);
			assertThatExceptionOfType(PacketRejectedException.class).isThrownBy(() -> codec.decode(prefix))
				.satisfies(ex -> assertThat(ex.reason()).isEqualTo(RejectReason.MALFORMED));
		}
	}

	@Test
	void aTopicCountBeyondThePacketIsRejectedBeforeAllocating() {
		PacketCodec codec = new PacketCodec(null, 1400);
		byte[] record = PacketCodec.encodeMember(this.alive);
		// the topic count sits before the two topics ("a", "b": 3 bytes each) and the services ("greeter": 9 bytes)
		ByteBuffer.wrap(record).putShort(record.length - 19, (short) 0xFFFF);
		byte[] bytes = codec.encode(PacketType.GOSSIP, this.alive.id(), 0, Packet.NOBODY, List.of(record));
		assertThatExceptionOfType(PacketRejectedException.class).isThrownBy(() -> codec.decode(bytes))
			.satisfies(ex -> assertThat(ex.reason()).isEqualTo(RejectReason.MALFORMED));
	}

	@Test
	void aServiceCountBeyondTheLimitIsRejected() {
		PacketCodec codec = new PacketCodec(null, 65_000);
		Member exporter = new Member(UUID.randomUUID(), "n", "10.0.0.1", 7700, MemberState.ALIVE, 0,
				new MemberMetadata("10.0.0.1", 7700, List.of(), false, "v", List.of("s"), true));
		byte[] record = Arrays.copyOf(PacketCodec.encodeMember(exporter), PacketCodec.encodeMember(exporter).length - 3);
		byte[] padded = Arrays.copyOf(record, record.length + 2 * (MemberMetadata.MAX_SERVICES + 1));
		// without its one service ("s": 3 bytes), then claiming one more than allowed, each an empty string that
		// the bytes would hold
		ByteBuffer.wrap(padded).putShort(record.length - 2, (short) (MemberMetadata.MAX_SERVICES + 1));
		byte[] bytes = codec.encode(PacketType.GOSSIP, exporter.id(), 0, Packet.NOBODY, List.of(padded));
		assertThatExceptionOfType(PacketRejectedException.class).isThrownBy(() -> codec.decode(bytes))
			.satisfies(ex -> assertThat(ex.reason()).isEqualTo(RejectReason.MALFORMED));
	}

	@Test
	void metadataTooLargeForAPacketTravelsIncompleteOverUdpAndWholeInAMemberList() throws Exception {
		PacketCodec codec = new PacketCodec(null, 1400);
		List<String> topics = IntStream.range(0, 100).mapToObj(i -> "topic-" + i).toList();
		Member large = new Member(UUID.randomUUID(), "n", "10.0.0.1", 7700, MemberState.ALIVE, 1,
				new MemberMetadata("10.0.0.1", 7700, topics, false, "v", List.of("greeter"), true));
		Packet packet = codec.decode(codec.encode(PacketType.GOSSIP, large.id(), 0, Packet.NOBODY,
				List.of(codec.record(large), codec.record(this.alive))));
		MemberMetadata carried = packet.updates().get(0).metadata();
		assertThat(carried.complete()).isFalse();
		assertThat(carried.subscriptions()).isEmpty();
		assertThat(carried.tcpPort()).isEqualTo(7700);
		assertThat(packet.updates().get(1)).isEqualTo(this.alive);
		MemberList.Encoded list = MemberList.encode(List.of(large, this.alive), 1 << 20);
		assertThat(list.count()).isEqualTo(2);
		assertThat(MemberList.decode(list.bytes())).containsExactly(large, this.alive);
		// a frame too small for both: the list holds what fits and says how many
		assertThat(MemberList.encode(List.of(this.alive, large), 200).count()).isEqualTo(1);
	}

	@Test
	void aHostileMemberListIsRejected() {
		byte[] list = MemberList.encode(List.of(this.alive), 1 << 20).bytes();
		for (int length = 0; length < list.length; length++) {
			byte[] prefix = Arrays.copyOf(list, length);
			assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> MemberList.decode(prefix));
		}
		byte[] claimsMore = list.clone();
		claimsMore[1] = 2;
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> MemberList.decode(claimsMore));
		byte[] trailing = Arrays.copyOf(list, list.length + 1);
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> MemberList.decode(trailing));
	}

	@Test
	void signaturesVersionsAndSizesAreChecked() {
		byte[] signed = new PacketCodec(SECRET, 1400).encode(PacketType.PING, this.alive.id(), 1, Packet.NOBODY,
				List.of());
		byte[] unsigned = new PacketCodec(null, 1400).encode(PacketType.PING, this.alive.id(), 1, Packet.NOBODY,
				List.of());
		assertThat(reason(new PacketCodec(ClusterSecret.of("another-secret-of-16"), 1400), signed))
			.isEqualTo(RejectReason.BAD_SIGNATURE);
		assertThat(reason(new PacketCodec(SECRET, 1400), unsigned)).isEqualTo(RejectReason.UNSIGNED);
		assertThat(reason(new PacketCodec(null, 1400), signed)).isEqualTo(RejectReason.UNEXPECTED_SIGNATURE);
		byte[] otherVersion = unsigned.clone();
		otherVersion[2] = 1; // the format before services
		assertThat(reason(new PacketCodec(null, 1400), otherVersion)).isEqualTo(RejectReason.VERSION);
		assertThat(reason(new PacketCodec(null, 1400), new byte[1401])).isEqualTo(RejectReason.OVERSIZED);
	}

	private static RejectReason reason(PacketCodec codec, byte[] bytes) {
		try {
			codec.decode(bytes);
			return null;
		}
		catch (PacketRejectedException ex) {
			return ex.reason();
		}
	}

}
