package io.chaski.membership;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole member list with complete metadata, as a full state sync sends it over TCP (docs/protocol.md,
 * MEMBERS_PUSH): a member count (u16) and that many member records in the packet layout of docs/membership.md.
 * Decoding checks the count against the limit and the bytes that arrived before allocating.
 */
public final class MemberList {

	/** Most members one list may carry: as many as a node remembers. */
	public static final int MAX_MEMBERS = Swim.MAX_MEMBERS;

	private MemberList() {
	}

	/**
	 * Encodes members in the order given until the next one would pass {@code maxBytes}.
	 * @param members the members, most important first
	 * @param maxBytes the most bytes the list may take
	 * @return the list and how many members it holds
	 */
	public static Encoded encode(List<Member> members, int maxBytes) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(members.size() * 96 + 2);
		out.write(0);
		out.write(0);
		int count = 0;
		for (Member member : members) {
			byte[] record = PacketCodec.encodeMember(member);
			if (count == MAX_MEMBERS || out.size() + record.length > maxBytes) {
				break;
			}
			out.writeBytes(record);
			count++;
		}
		byte[] bytes = out.toByteArray();
		bytes[0] = (byte) (count >>> 8);
		bytes[1] = (byte) count;
		return new Encoded(bytes, count);
	}

	/**
	 * @param payload a list as it arrived
	 * @return its members
	 * @throws IllegalArgumentException if it is malformed, truncated, has trailing bytes or too many members
	 */
	public static List<Member> decode(byte[] payload) {
		try {
			ByteBuffer in = ByteBuffer.wrap(payload);
			int count = in.getShort() & 0xFFFF;
			if (count > MAX_MEMBERS || count > in.remaining() / PacketCodec.MIN_RECORD_BYTES) {
				throw new IllegalArgumentException("member count " + count + " beyond the limit or the bytes sent");
			}
			List<Member> members = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				members.add(PacketCodec.readMember(in));
			}
			if (in.hasRemaining()) {
				throw new IllegalArgumentException("trailing bytes after " + count + " members");
			}
			return members;
		}
		catch (BufferUnderflowException ex) {
			throw new IllegalArgumentException("truncated member list", ex);
		}
	}

	/**
	 * @param bytes the encoded list
	 * @param count how many members it holds
	 */
	public record Encoded(byte[] bytes, int count) {
	}

}
