package io.chaski.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;

import io.chaski.node.ChaskiNode;
import io.chaski.node.OverflowPolicy;
import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.ChaskiSubscription;
import io.chaski.streamer.StreamerSettings;
import io.chaski.transport.TransportMode;
import io.chaski.wire.DefaultPayloadCodec;

/**
 * Throughput and latency of Chaski pub/sub against raw length-prefixed TCP, measured in the same run.
 * Run it with the command in {@code docs/performance.md}. Arguments: {@code [messages] [rounds] [NIO|BLOCKING]}.
 * Each measurement first runs warm-up rounds of at least {@link #WARM_UP_MESSAGES} messages together (as
 * {@link BootBenchmark} does): one round of 3 million left the JIT compiler still busy with the receive path in the
 * first measured rounds.
 */
public final class ThroughputBenchmark {

	private static final int PAYLOAD = 100;

	private static final String TOPIC = "bench";

	/** Messages the warm-up rounds of a measurement carry at least. */
	static final int WARM_UP_MESSAGES = 10_000_000;

	private ThroughputBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		// node start/stop lines would drown the figures
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.chaski")).setLevel(Level.WARN);
		int messages = (args.length > 0) ? Integer.parseInt(args[0]) : 3_000_000;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 5;
		TransportMode[] modes = (args.length > 2) ? new TransportMode[] { TransportMode.valueOf(args[2]) }
				: TransportMode.values();
		System.out.printf(Locale.ROOT, "Chaski benchmark: %d messages of %d bytes, %d warm-up + %d rounds, %d cores, %s%n",
				messages, PAYLOAD, warmUpRounds(messages), rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
		double raw = median("raw framed TCP", rounds, messages, () -> rawTcp(messages));
		for (TransportMode mode : modes) {
			double chaski = median("chaski " + mode, rounds, messages, () -> chaskiThroughput(messages, mode));
			System.out.printf(Locale.ROOT, "%-22s: %.2f of raw framed TCP (medians)%n", "ratio " + mode, chaski / raw);
		}
		for (TransportMode mode : modes) {
			long[] latencies = chaskiLatency(20_000, 10_000, mode);
			System.out.printf(Locale.ROOT, "chaski %-8s latency : p50 %6.1f us   p99 %7.1f us   (20k msg at 10k msg/s)%n", mode,
					percentile(latencies, 0.50) / 1e3, percentile(latencies, 0.99) / 1e3);
		}
	}

	private interface Measurement {

		double run() throws Exception;

	}

	/**
	 * Runs a measurement's warm-up rounds, then {@code rounds} times; returns the median throughput and prints
	 * the spread and the CPU time the whole process spent per message (all threads), which stays meaningful
	 * when other work shares the machine.
	 */
	private static double median(String label, int rounds, int messages, Measurement measurement) throws Exception {
		for (int i = 0; i < warmUpRounds(messages); i++) {
			measurement.run();
		}
		double[] results = new double[rounds];
		long cpuBefore = processCpuNanos();
		for (int i = 0; i < rounds; i++) {
			results[i] = measurement.run();
		}
		double cpuPerMessage = (processCpuNanos() - cpuBefore) / ((double) rounds * messages);
		Arrays.sort(results);
		double median = results[rounds / 2];
		System.out.printf(Locale.ROOT, "%-22s: %,12.0f msg/s median (min %,.0f, max %,.0f), %4.0f ns CPU/msg%n", label,
				median, results[0], results[rounds - 1], cpuPerMessage);
		return median;
	}

	private static int warmUpRounds(int messages) {
		return Math.max(1, (WARM_UP_MESSAGES + messages - 1) / messages);
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/** One socket, 4-byte length prefix, buffered writes, a reader that allocates each message. */
	static double rawTcp(int messages) throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
				try (Socket socket = server.accept();
						DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 65536))) {
					long sum = 0;
					for (int i = 0; i < messages; i++) {
						byte[] message = new byte[in.readInt()];
						in.readFully(message);
						sum += message[0];
					}
					return System.nanoTime();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			byte[] payload = new byte[PAYLOAD];
			long start = System.nanoTime();
			try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
					DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 65536))) {
				socket.setTcpNoDelay(true);
				for (int i = 0; i < messages; i++) {
					out.writeInt(PAYLOAD);
					out.write(payload);
				}
				out.flush();
				long end = reader.get(2, TimeUnit.MINUTES);
				return messages / ((end - start) / 1e9);
			}
		}
	}

	static double chaskiThroughput(int messages, TransportMode mode) throws Exception {
		try (Pair pair = new Pair(mode)) {
			ChaskiSubscription<byte[]> subscription = pair.subscriber.subscribe(TOPIC, byte[].class);
			pair.connect();
			byte[] payload = new byte[PAYLOAD];
			CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> drain(subscription, messages));
			long start = System.nanoTime();
			for (int i = 0; i < messages; i++) {
				pair.publisher.publish(TOPIC, payload);
			}
			long end = reader.get(5, TimeUnit.MINUTES);
			long dropped = subscription.droppedCount();
			if (dropped > 0) {
				System.out.printf("  (%d messages dropped by the subscriber buffer)%n", dropped);
			}
			return (messages - dropped) / ((end - start) / 1e9);
		}
	}

	private static long drain(ChaskiSubscription<byte[]> subscription, int messages) {
		try {
			int received = 0;
			while (received + subscription.droppedCount() < messages) {
				if (subscription.poll(Duration.ofSeconds(10)) == null) {
					throw new IllegalStateException("stalled after " + received + " messages");
				}
				received++;
			}
			return System.nanoTime();
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Publishes at a fixed rate, each payload carrying its send time; returns publish-to-receive latencies. */
	static long[] chaskiLatency(int messages, int perSecond, TransportMode mode) throws Exception {
		try (Pair pair = new Pair(mode)) {
			ChaskiSubscription<byte[]> subscription = pair.subscriber.subscribe(TOPIC, byte[].class);
			pair.connect();
			long[] latencies = new long[messages];
			CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
				try {
					for (int i = 0; i < messages; i++) {
						ChaskiMessage<byte[]> message = subscription.poll(Duration.ofSeconds(10));
						latencies[i] = System.nanoTime() - ByteBuffer.wrap(message.payload()).getLong();
					}
				}
				catch (InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			});
			long interval = 1_000_000_000L / perSecond;
			long next = System.nanoTime();
			for (int i = 0; i < messages; i++) {
				while (System.nanoTime() < next) {
					LockSupport.parkNanos(Math.max(1, next - System.nanoTime() - 20_000));
				}
				byte[] payload = new byte[PAYLOAD];
				ByteBuffer.wrap(payload).putLong(System.nanoTime());
				pair.publisher.publish(TOPIC, payload);
				next += interval;
			}
			reader.get(1, TimeUnit.MINUTES);
			long[] measured = Arrays.copyOfRange(latencies, messages / 10, messages);
			Arrays.sort(measured);
			return measured;
		}
	}

	private static double percentile(long[] sorted, double quantile) {
		return sorted[(int) Math.min(sorted.length - 1, Math.round(quantile * (sorted.length - 1)))];
	}

	/** A publishing node connected to a subscribing node on loopback. */
	private static final class Pair implements AutoCloseable {

		final ChaskiNode publisherNode;

		final ChaskiNode subscriberNode;

		final ChaskiStreamer publisher;

		final ChaskiStreamer subscriber;

		Pair(TransportMode mode) {
			this.publisherNode = node("publisher", mode);
			this.subscriberNode = node("subscriber", mode);
			StreamerSettings settings = new StreamerSettings(16, 65_536, 100, Duration.ofSeconds(60), 1_000_000);
			this.publisher = new ChaskiStreamer(this.publisherNode, settings, new DefaultPayloadCodec());
			this.subscriber = new ChaskiStreamer(this.subscriberNode, settings, new DefaultPayloadCodec());
		}

		private static ChaskiNode node(String name, TransportMode mode) {
			return ChaskiNode.builder().name(name).transportMode(mode).overflowPolicy(OverflowPolicy.WAIT)
				.sendTimeout(Duration.ofSeconds(30)).build().start();
		}

		void connect() throws Exception {
			this.publisherNode.connect(this.subscriberNode.address().hostAndPort()).get(10, TimeUnit.SECONDS);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (this.publisherNode.peers().stream().noneMatch(peer -> peer.subscriptions().contains(TOPIC))) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("subscriber never announced its topic");
				}
				LockSupport.parkNanos(1_000_000);
			}
		}

		@Override
		public void close() {
			this.publisherNode.stop();
			this.subscriberNode.stop();
		}

	}

}
