package io.chaski.membership;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.chaski.security.ClusterSecret;

/**
 * Writes and reads membership packets (layout in docs/membership.md): a small versioned header, the packet's
 * fields, member records, and an HMAC-SHA256 trailer when a cluster secret is set. Every length read is checked
 * against the bytes that arrived before anything is allocated from it.
 */
final class PacketCodec {

	/** First two bytes of every packet: "CM". */
	static final short MAGIC = 0x434D;

	/** Version of the packet format: 2 added services and the incomplete-metadata flag. */
	static final int VERSION = 2;

	/** Bytes of the HMAC-SHA256 trailer. */
	static final int MAC_BYTES = 32;

	/** Longest string field, in bytes. */
	static final int MAX_STRING_BYTES = 1024;

	/** Fewest bytes a member record takes (id, two empty strings, port, state, incarnation). */
	static final int MIN_RECORD_BYTES = 16 + 2 + 2 + 2 + 1 + 8;

	private static final int SIGNED = 1;

	private static final int ROOT = 1;

	private static final int INCOMPLETE = 2;

	/** The record lists services (left out when there are none: most members export nothing). */
	private static final int SERVICES = 4;

	private final ClusterSecret secret;

	private final int maxPacketBytes;

	/**
	 * @param secret the cluster secret, or {@code null} for unsigned packets
	 * @param maxPacketBytes largest packet written or accepted
	 */
	PacketCodec(ClusterSecret secret, int maxPacketBytes) {
		this.secret = secret;
		this.maxPacketBytes = maxPacketBytes;
	}

	/** @return bytes a packet's header and trailer take */
	int overhead() {
		return 2 + 1 + 1 + 1 + 16 + 4 + 16 + 1 + ((this.secret != null) ? MAC_BYTES : 0);
	}

	/**
	 * A member record for a packet: in full when it takes at most half of a packet's room for records (so any
	 * two fit), otherwise without its topics and services, marked incomplete: receivers fetch those over TCP.
	 * @param member a member record
	 * @return its encoding, ready to be put into packets
	 */
	byte[] record(Member member) {
		byte[] full = encodeMember(member);
		if (full.length <= (this.maxPacketBytes - overhead()) / 2) {
			return full;
		}
		return encodeMember(new Member(member.id(), member.name(), member.host(), member.port(), member.state(),
				member.incarnation(), member.metadata().withoutLists()));
	}

	/**
	 * @param member a member record
	 * @return its complete encoding (for TCP; packets take {@link #record})
	 */
	static byte[] encodeMember(Member member) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(128);
		writeUuid(out, member.id());
		writeString(out, member.name());
		writeString(out, member.host());
		writeShort(out, member.port());
		out.write(member.state().code());
		writeLong(out, member.incarnation());
		if (member.state() == MemberState.ALIVE) {
			MemberMetadata metadata = member.metadata();
			writeString(out, metadata.tcpHost());
			writeShort(out, metadata.tcpPort());
			boolean services = !metadata.services().isEmpty();
			out.write((metadata.root() ? ROOT : 0) | (metadata.complete() ? 0 : INCOMPLETE) | (services ? SERVICES : 0));
			writeString(out, metadata.version());
			writeStrings(out, metadata.subscriptions());
			if (services) {
				writeStrings(out, metadata.services());
			}
		}
		return out.toByteArray();
	}

	/**
	 * @param type the packet type
	 * @param sender this member's id
	 * @param sequence the sequence number
	 * @param target the target, or {@link Packet#NOBODY}
	 * @param members encoded member records ({@link #encodeMember}); at most 255, fitting the packet size
	 * @return the packet, signed when a secret is set
	 */
	byte[] encode(PacketType type, UUID sender, int sequence, UUID target, List<byte[]> members) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(512);
		writeShort(out, MAGIC);
		out.write(VERSION);
		out.write((this.secret != null) ? SIGNED : 0);
		out.write(type.code());
		writeUuid(out, sender);
		writeInt(out, sequence);
		writeUuid(out, target);
		out.write(members.size());
		members.forEach(out::writeBytes);
		if (this.secret != null) {
			out.writeBytes(this.secret.mac(out.toByteArray()));
		}
		return out.toByteArray();
	}

	/**
	 * @param data a datagram as it arrived
	 * @return the packet
	 * @throws PacketRejectedException naming why it must be dropped
	 */
	Packet decode(byte[] data) throws PacketRejectedException {
		if (data.length > this.maxPacketBytes) {
			throw new PacketRejectedException(RejectReason.OVERSIZED, data.length + " bytes");
		}
		try {
			ByteBuffer in = ByteBuffer.wrap(data);
			if (in.getShort() != MAGIC) {
				throw new PacketRejectedException(RejectReason.MALFORMED, "bad magic");
			}
			int version = in.get() & 0xFF;
			if (version != VERSION) {
				throw new PacketRejectedException(RejectReason.VERSION, "version " + version);
			}
			boolean signed = (in.get() & SIGNED) != 0;
			in = verified(data, signed);
			in.position(4);
			PacketType type = PacketType.of(in.get() & 0xFF);
			if (type == null) {
				throw new PacketRejectedException(RejectReason.MALFORMED, "unknown type");
			}
			UUID sender = readUuid(in);
			int sequence = in.getInt();
			UUID target = readUuid(in);
			int count = in.get() & 0xFF;
			List<Member> members = new ArrayList<>(Math.min(count, in.remaining() / MIN_RECORD_BYTES + 1));
			for (int i = 0; i < count; i++) {
				members.add(readMember(in));
			}
			if (in.hasRemaining()) {
				throw new PacketRejectedException(RejectReason.MALFORMED, "trailing bytes");
			}
			return new Packet(type, sender, sequence, target, members);
		}
		catch (BufferUnderflowException | IllegalArgumentException ex) {
			throw new PacketRejectedException(RejectReason.MALFORMED, "truncated or invalid field");
		}
	}

	/** @return the packet without its MAC, once the MAC is checked */
	private ByteBuffer verified(byte[] data, boolean signed) throws PacketRejectedException {
		if (this.secret == null) {
			if (signed) {
				throw new PacketRejectedException(RejectReason.UNEXPECTED_SIGNATURE, "signed packet, no secret here");
			}
			return ByteBuffer.wrap(data);
		}
		if (!signed) {
			throw new PacketRejectedException(RejectReason.UNSIGNED, "unsigned packet");
		}
		if (data.length < MAC_BYTES + 5) {
			throw new PacketRejectedException(RejectReason.MALFORMED, "too short for a MAC");
		}
		int bodyLength = data.length - MAC_BYTES;
		byte[] body = Arrays.copyOf(data, bodyLength);
		if (!ClusterSecret.matches(this.secret.mac(body), Arrays.copyOfRange(data, bodyLength, data.length))) {
			throw new PacketRejectedException(RejectReason.BAD_SIGNATURE, "bad signature");
		}
		return ByteBuffer.wrap(body);
	}

	/**
	 * @param in a buffer positioned at a member record
	 * @return the record
	 * @throws java.nio.BufferUnderflowException if it is truncated
	 * @throws IllegalArgumentException if a field is invalid
	 */
	static Member readMember(ByteBuffer in) {
		UUID id = readUuid(in);
		String name = readString(in);
		String host = readString(in);
		int port = in.getShort() & 0xFFFF;
		MemberState state = MemberState.of(in.get() & 0xFF);
		long incarnation = in.getLong();
		if (incarnation < 0) {
			throw new IllegalArgumentException("negative incarnation");
		}
		MemberMetadata metadata = MemberMetadata.NONE;
		if (state == MemberState.ALIVE) {
			String tcpHost = readString(in);
			int tcpPort = in.getShort() & 0xFFFF;
			int flags = in.get() & 0xFF;
			String version = readString(in);
			List<String> subscriptions = readStrings(in, 0xFFFF);
			List<String> services = ((flags & SERVICES) != 0) ? readStrings(in, MemberMetadata.MAX_SERVICES) : List.of();
			metadata = new MemberMetadata(tcpHost, tcpPort, subscriptions, (flags & ROOT) != 0, version, services,
					(flags & INCOMPLETE) == 0);
		}
		return new Member(id, name, host, port, state, incarnation, metadata);
	}

	private static List<String> readStrings(ByteBuffer in, int max) {
		int count = in.getShort() & 0xFFFF;
		// each string takes at least its 2-byte length: a claimed count beyond the bytes left is a lie
		if (count > max || count > in.remaining() / 2) {
			throw new IllegalArgumentException("string count " + count + " beyond the limit or the packet");
		}
		List<String> strings = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			strings.add(readString(in));
		}
		return strings;
	}

	private static String readString(ByteBuffer in) {
		int length = in.getShort() & 0xFFFF;
		if (length > MAX_STRING_BYTES || length > in.remaining()) {
			throw new IllegalArgumentException("string length " + length);
		}
		byte[] bytes = new byte[length];
		in.get(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private static UUID readUuid(ByteBuffer in) {
		return new UUID(in.getLong(), in.getLong());
	}

	private static void writeString(ByteArrayOutputStream out, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		if (bytes.length > MAX_STRING_BYTES) {
			throw new IllegalArgumentException("string of " + bytes.length + " bytes is longer than "
					+ MAX_STRING_BYTES + ": " + value.substring(0, 32) + "...");
		}
		writeShort(out, bytes.length);
		out.writeBytes(bytes);
	}

	private static void writeStrings(ByteArrayOutputStream out, List<String> values) {
		if (values.size() > 0xFFFF) {
			throw new IllegalArgumentException(values.size() + " names, more than a record holds (65535)");
		}
		writeShort(out, values.size());
		values.forEach(value -> writeString(out, value));
	}

	private static void writeUuid(ByteArrayOutputStream out, UUID id) {
		writeLong(out, id.getMostSignificantBits());
		writeLong(out, id.getLeastSignificantBits());
	}

	private static void writeShort(ByteArrayOutputStream out, int value) {
		out.write(value >>> 8);
		out.write(value);
	}

	private static void writeInt(ByteArrayOutputStream out, int value) {
		writeShort(out, value >>> 16);
		writeShort(out, value);
	}

	private static void writeLong(ByteArrayOutputStream out, long value) {
		writeInt(out, (int) (value >>> 32));
		writeInt(out, (int) value);
	}

}
