package io.chaski.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.chaski.membership.MembershipSettings;
import io.chaski.node.ChaskiNode;
import io.chaski.node.MemberLinks;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.StreamerSettings;
import io.chaski.testing.TestNodes;
import io.chaski.wire.DefaultPayloadCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A - B - C over real TCP and UDP on loopback, linked by membership: C subscribes to the topic and is reached only
 * through B, which does not receive files. A's push reaches C by a direct link made for it (found through
 * membership metadata), C's own answer is in the result, and the link goes once the push is over.
 */
class FilesBehindRelayTest {

	static final MembershipSettings FAST = MembershipSettings.lan().withProbe(Duration.ofMillis(200),
			Duration.ofMillis(100));

	static final Duration MESH = Duration.ofSeconds(30);

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@TempDir
	Path tmp;

	final List<MemberLinks> links = new ArrayList<>();

	final List<ChaskiStreamer> streamers = new ArrayList<>();

	@AfterEach
	void close() {
		this.streamers.forEach(ChaskiStreamer::close);
		this.links.forEach(MemberLinks::close);
	}

	@ParameterizedTest(name = "B subscribes to the topic: {0}")
	@ValueSource(booleans = { false, true })
	void aSubscriberReachedOnlyThroughAnotherNodeGetsTheFile(boolean relaySubscribes) throws Exception {
		ChaskiNode a = this.nodes.start("a", "x");
		String[] relayTopics = relaySubscribes ? new String[] { "x", "y", "files" } : new String[] { "x", "y" };
		ChaskiNode b = this.nodes.start("b", relayTopics);
		ChaskiNode c = this.nodes.start("c", "y", "files");
		MemberLinks aLinks = link(a);
		link(b, a);
		link(c, b);
		ChaskiStreamer sender = streamer(a, false);
		streamer(b, false); // B relays topics but does not take files
		Path inbox = this.tmp.resolve("inbox-c");
		ChaskiStreamer receiver = streamer(c, true, inbox);
		sender.files().useDirectory(new MembershipDirectory(aLinks::membership));
		// membership joins retry with backoff: a busy machine may need a few rounds
		await().atMost(MESH).until(() -> a.peer(b.id()).isPresent() && c.peer(b.id()).isPresent()
				&& !sender.files().unlinkedSubscribers("files").isEmpty());
		assertThat(a.peer(c.id())).as("C is reached only through B").isEmpty();
		Path file = FileTransferTest.randomFile(this.tmp, "behind.bin", 3L * 1024 * 1024 + 17);

		FileTransferResult result = sender.pushFile("files", file).get(60, TimeUnit.SECONDS);

		FileDelivery toC = result.deliveries().get(c.id());
		assertThat(toC).as("%s", result).isNotNull();
		assertThat(toC.outcome()).isEqualTo(FileOutcome.STORED);
		assertThat(toC.nodeName()).isEqualTo("c");
		assertThat(Files.mismatch(file, inbox.resolve("behind.bin"))).isEqualTo(-1);
		// counted just after the answer went out
		await().atMost(TestNodes.SETTLE).until(() -> receiver.files().stats().received(FileOutcome.STORED) == 1);
		if (relaySubscribes) {
			assertThat(result.deliveries().get(b.id()).outcome()).isEqualTo(FileOutcome.REFUSED);
		}
		else {
			assertThat(result.deliveries()).containsOnlyKeys(c.id());
		}
		// the link was for the push: A and C share no topic, so it goes again
		await().atMost(TestNodes.SETTLE).until(() -> a.peer(c.id()).isEmpty());
	}

	@Test
	void anUnreachableSubscriberFailsItsPartOnly() throws Exception {
		ChaskiNode a = this.nodes.start("a", "x");
		ChaskiNode b = this.nodes.start("b", "x", "files");
		ChaskiStreamer sender = streamer(a, false);
		streamer(b, true, this.tmp.resolve("inbox-b"));
		TestNodes.connect(a, b);
		TestNodes.awaitKnowsTopic(a, b, "files");
		int closedPort = TestNodes.freePort();
		UUID ghost = UUID.randomUUID();
		sender.files().useDirectory(topic -> List.of(
				new SubscriberDirectory.Subscriber(ghost, "ghost", "127.0.0.1", closedPort)));

		FileTransferResult result = sender.pushFile("files", FileTransferTest.randomFile(this.tmp, "f.bin", 1000))
			.get(60, TimeUnit.SECONDS);

		assertThat(result.deliveries().get(b.id()).outcome()).isEqualTo(FileOutcome.STORED);
		FileDelivery toGhost = result.deliveries().get(ghost);
		assertThat(toGhost.outcome()).isEqualTo(FileOutcome.FAILED);
		assertThat(toGhost.reason()).contains("cannot link");
	}

	private MemberLinks link(ChaskiNode node, ChaskiNode... seeds) {
		MemberLinks memberLinks = MemberLinks.start(node, FAST, 0,
				List.of(seeds).stream().map(seed -> seed.address().hostAndPort()).toList());
		this.links.add(memberLinks);
		return memberLinks;
	}

	private ChaskiStreamer streamer(ChaskiNode node, boolean receiving) {
		return streamer(node, receiving, this.tmp.resolve("inbox-" + node.name()));
	}

	private ChaskiStreamer streamer(ChaskiNode node, boolean receiving, Path inbox) {
		ChaskiStreamer streamer = new ChaskiStreamer(node, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(),
				FileTransferTest.settings(receiving, inbox));
		this.streamers.add(streamer);
		return streamer;
	}

}
