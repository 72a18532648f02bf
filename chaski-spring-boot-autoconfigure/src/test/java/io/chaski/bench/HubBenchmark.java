package io.chaski.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.management.ObjectName;

import io.chaski.node.ChaskiNode;
import io.chaski.node.OverflowPolicy;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.support.IoThreads;

/**
 * A hub: one node with {@code peers} connected peers (lightweight {@code RawPeer}s in a separate JVM,
 * {@link HubPeers}, so that this process holds only the hub), all on one topic. Reports the hub's threads, heap
 * and resident memory with every peer connected, then publishes {@code messages} 100-byte payloads and reports
 * the fan-out rate (deliveries to peers per second, until the last peer has every message). Run it with the
 * command in {@code docs/performance.md}; arguments {@code [peers, default 500] [messages, default 2000]}.
 */
public final class HubBenchmark {

	static final String TOPIC = "hub";

	private HubBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int peers = (args.length > 0) ? Integer.parseInt(args[0]) : 500;
		int messages = (args.length > 1) ? Integer.parseInt(args[1]) : 2000;
		System.out.printf(Locale.ROOT,
				"Hub benchmark: %d peers, %d messages of 100 bytes, %d cores, Java %s, %s threads%n", peers, messages,
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"),
				IoThreads.virtual() ? "virtual" : "platform");
		System.out.println("before start : " + footprint());
		try (ChaskiNode hub = ChaskiNode.builder().name("hub").maxPeers(peers + 16).overflowPolicy(OverflowPolicy.WAIT)
			.sendTimeout(Duration.ofSeconds(60)).build().start()) {
			ChaskiStreamer streamer = new ChaskiStreamer(hub);
			System.out.println("hub started  : " + footprint());
			String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
			Process process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
					HubPeers.class.getName(), hub.address().host(), String.valueOf(hub.address().port()),
					String.valueOf(peers), TOPIC, String.valueOf(messages))
				.redirectErrorStream(true).start();
			try (BufferedReader out = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				await(out, "READY");
				awaitSubscribed(hub, peers);
				System.out.println(peers + " peers    : " + footprint());
				byte[] payload = new byte[100];
				long start = System.nanoTime();
				for (int i = 0; i < messages; i++) {
					streamer.publish(TOPIC, payload);
				}
				double publishSeconds = (System.nanoTime() - start) / 1e9;
				System.out.println("during fan-out: " + footprint());
				String done = await(out, "DONE");
				double seconds = (System.nanoTime() - start) / 1e9;
				System.out.printf(Locale.ROOT,
						"fan-out      : %,d deliveries in %.2f s = %,.0f deliveries/s (publish loop %.2f s); %s%n",
						(long) peers * messages, seconds, peers * (double) messages / seconds, publishSeconds, done);
				System.out.println("after        : " + footprint());
			}
			finally {
				process.destroyForcibly();
			}
		}
	}

	private static void awaitSubscribed(ChaskiNode hub, int peers) {
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
		while (hub.peers().stream().filter(peer -> peer.subscriptions().contains(TOPIC)).count() < peers) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("only " + hub.peers().size() + " of " + peers + " peers joined");
			}
			LockSupport.parkNanos(10_000_000);
		}
	}

	private static String await(BufferedReader out, String prefix) throws Exception {
		for (String line = out.readLine(); line != null; line = out.readLine()) {
			if (line.startsWith(prefix)) {
				return line;
			}
			System.out.println("  | " + line);
		}
		throw new IllegalStateException("the peers' process ended before " + prefix);
	}

	/**
	 * Threads (platform threads the JVM reports), live heap (the total of a class histogram, which collects
	 * first: G1's "used" figure also counts the allocation buffers of a thousand threads), and resident memory.
	 */
	private static String footprint() throws Exception {
		String histogram = (String) ManagementFactory.getPlatformMBeanServer()
			.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
					new Object[] { new String[0] }, new String[] { String[].class.getName() });
		String[] total = histogram.lines().filter(line -> line.startsWith("Total")).findFirst().orElseThrow()
			.trim().split("\\s+");
		long heap = Long.parseLong(total[2]);
		long rssKb = Files.readAllLines(Path.of("/proc/self/status")).stream()
			.filter(line -> line.startsWith("VmRSS:"))
			.map(line -> Long.parseLong(line.replaceAll("\\D", "")))
			.findFirst()
			.orElse(-1L);
		int threads = ManagementFactory.getThreadMXBean().getThreadCount();
		return String.format(Locale.ROOT, "platform threads %d, live heap %.1f MiB, RSS %.1f MiB", threads,
				heap / 1048576.0, rssKb / 1024.0);
	}

}
