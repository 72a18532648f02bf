package io.chaski.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import io.chaski.annotation.ChaskiFileReceivedEvent;
import io.chaski.annotation.ChaskiListener;
import io.chaski.files.FileOutcome;
import io.chaski.files.FileTransferResult;
import io.chaski.files.ReceivedFile;
import io.chaski.files.TransferInfo;
import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiStreamer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two real application contexts on loopback: a file pushed from one arrives in the other's directory, as an event
 * and to a {@code @ChaskiListener} taking {@link ReceivedFile}, counted in {@code chaski.files.*} meters; with
 * {@code chaski.files.enabled} off (the default) it is refused.
 */
class FileContextsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ChaskiAutoConfiguration.class, ChaskiActuatorAutoConfiguration.class))
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withPropertyValues("chaski.node.port=0", "chaski.keep-alive.interval=200ms",
				"management.endpoints.web.exposure.include=chaski");

	@TempDir
	Path tmp;

	@Test
	void aPushedFileArrivesAsAnEventAndToFileListeners() throws Exception {
		Path inbox = this.tmp.resolve("inbox");
		Path file = Files.writeString(this.tmp.resolve("report.txt"), "quarterly figures");
		this.runner.withUserConfiguration(Receiver.class)
			.withPropertyValues("chaski.node.name=receiver", "chaski.files.enabled=true",
					"chaski.files.directory=" + inbox)
			.run(receiverContext -> {
				String seed = receiverContext.getBean(ChaskiNode.class).address().hostAndPort();
				this.runner.withPropertyValues("chaski.node.name=sender", "chaski.discovery.seeds=receiver@" + seed)
					.run(senderContext -> {
						ChaskiNode senderNode = senderContext.getBean(ChaskiNode.class);
						await().atMost(WAIT).until(() -> senderNode.peers().stream()
							.anyMatch(peer -> peer.subscriptions().contains("reports")));
						FileTransferResult result = senderContext.getBean(ChaskiStreamer.class)
							.pushFile("reports", file, Map.of("quarter", "Q3"))
							.get(WAIT.toSeconds(), TimeUnit.SECONDS);
						assertThat(result.allStored()).as("%s", result).isTrue();

						Receiver receiver = receiverContext.getBean(Receiver.class);
						await().atMost(WAIT).untilAsserted(() -> {
							assertThat(receiver.files).hasSize(1);
							assertThat(receiver.events).hasSize(1);
						});
						ChaskiFileReceivedEvent event = receiver.events.get(0);
						assertThat(event.getPath()).isEqualTo(inbox.resolve("report.txt"));
						assertThat(event.getName()).isEqualTo("report.txt");
						assertThat(event.getSize()).isEqualTo(17);
						assertThat(event.getSha256()).isEqualTo(result.sha256());
						assertThat(event.getMetadata()).containsEntry("quarter", "Q3");
						assertThat(event.getOrigin()).isEqualTo(senderNode.id());
						assertThat(event.getTopic()).isEqualTo("reports");
						assertThat(receiver.files.get(0)).isEqualTo(event.getFile());
						assertThat(Files.readString(inbox.resolve("report.txt"))).isEqualTo("quarterly figures");

						MeterRegistry meters = meters(receiverContext.getBean(ChaskiMetrics.class));
						assertThat(meters.get("chaski.files.transfers").tags("direction", "received", "outcome",
								"stored").functionCounter().count()).isEqualTo(1);
						assertThat(meters.get("chaski.files.bytes").tag("direction", "received").functionCounter()
							.count()).isEqualTo(17);
						assertThat(meters(senderContext.getBean(ChaskiMetrics.class)).get("chaski.files.bytes")
							.tag("direction", "sent").functionCounter().count()).isEqualTo(17);
						assertThat(meters.get("chaski.files.active").gauge().value()).isZero();
						assertThat(receiverContext.getBean(ChaskiEndpoint.class).report().transfers()).isEmpty();
					});
			});
	}

	@Test
	void receivingIsOffByDefault() throws Exception {
		Path file = Files.writeString(this.tmp.resolve("report.txt"), "quarterly figures");
		this.runner.withPropertyValues("chaski.node.name=receiver", "chaski.node.subscriptions=reports")
			.run(receiverContext -> {
				String seed = receiverContext.getBean(ChaskiNode.class).address().hostAndPort();
				this.runner.withPropertyValues("chaski.node.name=sender", "chaski.discovery.seeds=receiver@" + seed)
					.run(senderContext -> {
						ChaskiNode senderNode = senderContext.getBean(ChaskiNode.class);
						await().atMost(WAIT).until(() -> senderNode.peers().stream()
							.anyMatch(peer -> peer.subscriptions().contains("reports")));
						FileTransferResult result = senderContext.getBean(ChaskiStreamer.class)
							.pushFile("reports", file)
							.get(WAIT.toSeconds(), TimeUnit.SECONDS);
						assertThat(result.deliveries().values()).singleElement()
							.satisfies(delivery -> assertThat(delivery.outcome()).isEqualTo(FileOutcome.REFUSED));
						assertThat(receiverContext.getBean(ChaskiStreamer.class).files().settings().enabled()).isFalse();
					});
			});
	}

	/** Two pushes at once, slowed down by one 4 KB chunk in flight each: both listed while they run, on both sides. */
	@Test
	void transfersInProgressShowInTheEndpointWithProgressAndRate() throws Exception {
		Path inbox = this.tmp.resolve("inbox");
		Path first = randomFile("first.bin", 8 * 1024 * 1024);
		Path second = randomFile("second.bin", 8 * 1024 * 1024);
		ApplicationContextRunner slow = this.runner.withPropertyValues("chaski.files.chunk-size=4KB",
				"chaski.files.window=4KB");
		slow.withUserConfiguration(Receiver.class)
			.withPropertyValues("chaski.node.name=receiver", "chaski.files.enabled=true",
					"chaski.files.directory=" + inbox)
			.run(receiverContext -> {
				String seed = receiverContext.getBean(ChaskiNode.class).address().hostAndPort();
				slow.withPropertyValues("chaski.node.name=sender", "chaski.discovery.seeds=receiver@" + seed)
					.run(senderContext -> {
						ChaskiNode senderNode = senderContext.getBean(ChaskiNode.class);
						await().atMost(WAIT).until(() -> senderNode.peers().stream()
							.anyMatch(peer -> peer.subscriptions().contains("reports")));
						ChaskiStreamer streamer = senderContext.getBean(ChaskiStreamer.class);
						CompletableFuture<FileTransferResult> one = streamer.pushFile("reports", first);
						CompletableFuture<FileTransferResult> two = streamer.pushFile("reports", second);

						ChaskiEndpoint receiving = receiverContext.getBean(ChaskiEndpoint.class);
						ChaskiEndpoint sending = senderContext.getBean(ChaskiEndpoint.class);
						await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
							.until(() -> running(receiving.report().transfers(), "in")
									&& running(sending.report().transfers(), "out"));

						assertThat(one.get(WAIT.toSeconds(), TimeUnit.SECONDS).allStored()).isTrue();
						assertThat(two.get(WAIT.toSeconds(), TimeUnit.SECONDS).allStored()).isTrue();
						assertThat(Files.mismatch(first, inbox.resolve("first.bin"))).isEqualTo(-1);
						assertThat(Files.mismatch(second, inbox.resolve("second.bin"))).isEqualTo(-1);
						await().atMost(WAIT).until(() -> receiving.report().transfers().isEmpty());
					});
			});
	}

	/** @return whether both files are listed in that direction, part-way, with a rate */
	private static boolean running(List<TransferInfo> transfers, String direction) {
		return transfers.size() == 2 && transfers.stream()
			.allMatch(transfer -> transfer.direction().equals(direction) && transfer.size() == 8 * 1024 * 1024
					&& transfer.transferred() > 0 && transfer.transferred() < transfer.size()
					&& transfer.bytesPerSecond() > 0)
				&& transfers.stream().map(TransferInfo::name).sorted().toList().equals(List.of("first.bin", "second.bin"));
	}

	private Path randomFile(String name, int size) throws Exception {
		byte[] bytes = new byte[size];
		new Random(size + name.hashCode()).nextBytes(bytes);
		return Files.write(this.tmp.resolve(name), bytes);
	}

	/** A - B - C, linked by membership: C takes the topic, A does not share a topic with C, B takes no files. */
	@Test
	void aPushReachesASubscriberKnownOnlyThroughMembership() throws Exception {
		Path inbox = this.tmp.resolve("inbox-c");
		Path file = Files.writeString(this.tmp.resolve("behind.txt"), "through membership");
		String[] fast = { "chaski.membership.probe-interval=200ms", "chaski.membership.probe-timeout=100ms" };
		this.runner.withPropertyValues(fast)
			.withPropertyValues("chaski.node.name=c", "chaski.node.subscriptions=y,reports",
					"chaski.files.enabled=true", "chaski.files.directory=" + inbox)
			.run(c -> {
				ChaskiNode cNode = c.getBean(ChaskiNode.class);
				this.runner.withPropertyValues(fast)
					.withPropertyValues("chaski.node.name=b", "chaski.node.subscriptions=x,y",
							"chaski.discovery.seeds=c@" + cNode.address().hostAndPort())
					.run(b -> {
						ChaskiNode bNode = b.getBean(ChaskiNode.class);
						this.runner.withPropertyValues(fast)
							.withPropertyValues("chaski.node.name=a", "chaski.node.subscriptions=x",
									"chaski.discovery.seeds=b@" + bNode.address().hostAndPort())
							.run(a -> {
								ChaskiNode aNode = a.getBean(ChaskiNode.class);
								ChaskiMembership membership = a.getBean(ChaskiMembership.class);
								await().atMost(WAIT).until(() -> membership.membership().orElseThrow().member(cNode.id())
									.map(member -> member.metadata().subscriptions().contains("reports"))
									.orElse(false));
								assertThat(aNode.peer(cNode.id())).as("A is not linked to C").isEmpty();
								FileTransferResult result = a.getBean(ChaskiStreamer.class).pushFile("reports", file)
									.get(WAIT.toSeconds(), TimeUnit.SECONDS);
								assertThat(result.deliveries().get(cNode.id()).outcome()).as("%s", result)
									.isEqualTo(FileOutcome.STORED);
								assertThat(Files.readString(inbox.resolve("behind.txt")))
									.isEqualTo("through membership");
							});
					});
			});
	}

	private static MeterRegistry meters(ChaskiMetrics metrics) {
		MeterRegistry meters = new SimpleMeterRegistry();
		metrics.bindTo(meters);
		return meters;
	}

	@Configuration(proxyBeanMethods = false)
	static class Receiver {

		final List<ReceivedFile> files = new CopyOnWriteArrayList<>();

		final List<ChaskiFileReceivedEvent> events = new CopyOnWriteArrayList<>();

		@ChaskiListener(topics = "reports")
		void onFile(ReceivedFile file) {
			this.files.add(file);
		}

		@EventListener
		void onEvent(ChaskiFileReceivedEvent event) {
			this.events.add(event);
		}

	}

}
