package io.chaski.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.chaski.security.ClusterSecret;

/** Membership over real UDP sockets on loopback, ephemeral ports. */
class UdpMembershipTest {

	private static final MembershipSettings FAST = MembershipSettings.lan()
		.withProbe(Duration.ofMillis(200), Duration.ofMillis(100));

	private static final ClusterSecret SECRET = ClusterSecret.of("a-secret-of-sixteen+");

	private final List<Membership> started = new ArrayList<>();

	@AfterEach
	void stopAll() {
		this.started.forEach(Membership::close);
	}

	@Test
	void threeMembersSeeEachOtherAliveThroughOneSeed() {
		Membership seed = start("seed", SECRET);
		Membership b = start("b", SECRET);
		Membership c = start("c", SECRET);
		b.join(List.of(addressOf(seed)));
		c.join(List.of(addressOf(seed)));
		awaitAlive(3, seed, b, c);
		assertThat(b.member(c.self().id())).get().extracting(Member::name).isEqualTo("c");
	}

	@Test
	void aMemberWhoseSocketVanishesIsDeadEverywhereAndARestartRejoins() {
		Membership a = start("a", null);
		Membership b = start("b", null);
		Membership c = start("c", null);
		b.join(List.of(addressOf(a)));
		c.join(List.of(addressOf(a)));
		awaitAlive(3, a, b, c);
		InetSocketAddress cAddress = addressOf(c);
		UUID cId = c.self().id();
		c.close();
		await().atMost(Duration.ofSeconds(30)).until(() -> stateIn(a, cId) == MemberState.DEAD
				&& stateIn(b, cId) == MemberState.DEAD);
		// the same address, a new process (a new id), and no seeds: the others' re-probes find it
		Membership restarted = start(new UdpMembershipTransport("127.0.0.1", cAddress.getPort(), 1400), "c2", null);
		await().atMost(Duration.ofSeconds(30)).until(() -> stateIn(a, restarted.self().id()) == MemberState.ALIVE
				&& restarted.members().size() >= 3);
	}

	@Test
	void aGracefulLeaveIsLeftAtTheOthers() {
		Membership a = start("a", null);
		Membership b = start("b", null);
		b.join(List.of(addressOf(a)));
		awaitAlive(2, a, b);
		UUID id = b.self().id();
		b.leave();
		await().atMost(Duration.ofSeconds(10)).until(() -> stateIn(a, id) == MemberState.LEFT);
	}

	@Test
	void aMemberWithAnotherSecretIsNotAdmittedAndItsPacketsAreCounted() {
		Membership a = start("a", SECRET);
		Membership intruder = start("intruder", ClusterSecret.of("another-secret-of-16"));
		Membership open = start("open", null);
		intruder.join(List.of(addressOf(a)));
		open.join(List.of(addressOf(a)));
		await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().rejected(RejectReason.BAD_SIGNATURE) >= 2
				&& a.stats().rejected(RejectReason.UNSIGNED) >= 2);
		assertThat(a.members()).hasSize(1);
		assertThat(intruder.members()).hasSize(1);
		assertThat(open.members()).hasSize(1);
	}

	@Test
	void tenThousandRandomAndMutatedPacketsDoNotHurt() throws Exception {
		Membership a = start("a", SECRET);
		Membership b = start("b", SECRET);
		b.join(List.of(addressOf(a)));
		awaitAlive(2, a, b);
		Random random = new Random(42);
		PacketCodec codec = new PacketCodec(SECRET, 1400);
		byte[] valid = codec.encode(PacketType.PING, UUID.randomUUID(), 1, a.self().id(),
				List.of(PacketCodec.encodeMember(b.self())));
		try (DatagramSocket socket = new DatagramSocket(0, addressOf(a).getAddress())) {
			for (int i = 0; i < 10_000; i++) {
				byte[] packet;
				if (i % 2 == 0) {
					packet = new byte[random.nextInt(1500)];
					random.nextBytes(packet);
				}
				else {
					packet = valid.clone();
					for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
						packet[random.nextInt(packet.length)] ^= (byte) (1 + random.nextInt(255));
					}
				}
				socket.send(new DatagramPacket(packet, packet.length, addressOf(a)));
				if (i % 100 == 99) {
					// paced in bursts the receive queue holds, so a busy machine does not drop most of them
					int sent = i + 1;
					await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
						.until(() -> a.stats().rejected() >= sent - 500);
				}
			}
		}
		// every one that arrived is counted as rejected, none accepted
		await().atMost(Duration.ofSeconds(30)).until(() -> a.stats().rejected() >= 9_500);
		assertThat(a.stats().rejected(RejectReason.BAD_SIGNATURE)).isPositive();
		UUID bId = b.self().id();
		long accepted = a.stats().packetsReceived.sum();
		await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().packetsReceived.sum() > accepted + 5);
		assertThat(stateIn(a, bId)).isEqualTo(MemberState.ALIVE);
		assertThat(a.members()).hasSize(2);
	}

	private Membership start(String name, ClusterSecret secret) {
		return start(new UdpMembershipTransport("127.0.0.1", 0, 1400), name, secret);
	}

	private Membership start(MembershipTransport transport, String name, ClusterSecret secret) {
		Membership membership = new Membership(FAST, transport, secret, UUID.randomUUID(), name, null, MemberMetadata.NONE);
		this.started.add(membership);
		return membership.start();
	}

	private static InetSocketAddress addressOf(Membership membership) {
		return new InetSocketAddress(membership.self().host(), membership.self().port());
	}

	private static MemberState stateIn(Membership observer, UUID id) {
		return observer.member(id).map(Member::state).orElse(null);
	}

	private static void awaitAlive(int count, Membership... members) {
		await().atMost(Duration.ofSeconds(20)).until(() -> List.of(members).stream()
			.allMatch(member -> member.members().stream().filter(m -> m.state() == MemberState.ALIVE).count() == count));
	}

}
