package io.chaski.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;

import io.chaski.files.FileSettings;
import io.chaski.files.FileTransferResult;
import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.ChaskiSubscription;
import io.chaski.streamer.StreamerSettings;
import io.chaski.wire.DefaultPayloadCodec;

/**
 * One large file between two nodes on loopback against raw bulk TCP on one loopback socket, in the same run: both
 * hash with SHA-256 on each end and write the received bytes to disk. Raw TCP is measured twice: as is, and
 * durable (the receiver forces the copy to the device before the clock stops, as Chaski does before it answers
 * stored). Chaski's time is split at the moment the receiver has written every byte: the rest is the check, the
 * force and the answer. Also the heap used during the transfer and the latency of topic messages published on the
 * same link meanwhile. Five unmeasured rounds warm the JIT compiler up first. Run it with
 * the command in {@code docs/performance.md}. Arguments: {@code [megabytes, default 1024] [rounds, default 3] [chunk
 * KiB, default 256] [window KiB, default 4096]} (the last two: the file settings of both nodes).
 */
public final class FileBenchmark {

	private static final int WRITE = 1 << 20;

	/**
	 * Unmeasured rounds first: with both cores busy the compiler threads lag. After one round of 256 MiB they still
	 * used 0.6 to 1.4 ms of CPU per MiB of the measured transfer, after two full rounds 0.08 to 0.6 ms, after five
	 * 0 to 0.23 ms (docs/performance.md).
	 */
	private static final int WARM_UP_ROUNDS = 5;

	private FileBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.chaski")).setLevel(Level.WARN);
		long megabytes = (args.length > 0) ? Long.parseLong(args[0]) : 1024;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		int chunk = (args.length > 2) ? Integer.parseInt(args[2]) << 10 : FileSettings.DEFAULTS.chunkSize();
		int window = (args.length > 3) ? Integer.parseInt(args[3]) << 10 : FileSettings.DEFAULTS.window();
		FileSettings settings = sized(FileSettings.DEFAULTS, chunk, window);
		Path dir = Files.createTempDirectory("chaski-file-bench");
		Path file = dir.resolve("big.bin");
		write(file, megabytes << 20);
		for (int round = 0; round < WARM_UP_ROUNDS; round++) {
			rawTcp(file, dir.resolve("raw-copy.bin"), false);
			chaski(file, dir.resolve("inbox-warm-up"), settings, false);
		}
		System.out.printf(Locale.ROOT, "Chaski file benchmark: %d MiB, %d rounds, chunk %d KiB, window %d KiB, %d cores, %s, max heap %d MiB%n",
				megabytes, rounds, chunk >> 10, window >> 10, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"),
				Runtime.getRuntime().maxMemory() >> 20);
		for (int round = 0; round < rounds; round++) {
			long cpu = cpuNanos();
			double raw = rawTcp(file, dir.resolve("raw-copy.bin"), false);
			long rawCpu = cpuNanos() - cpu;
			double durable = rawTcp(file, dir.resolve("raw-copy.bin"), true);
			cpu = cpuNanos();
			double chaski = chaski(file, dir.resolve("inbox-" + round), settings, true);
			long chaskiCpu = cpuNanos() - cpu;
			System.out.printf(Locale.ROOT, "round %d: raw TCP %.0f MiB/s, chaski %.0f MiB/s, ratio %.2f; raw TCP "
					+ "durable %.0f MiB/s, ratio %.2f; CPU seconds per GiB raw %.2f, chaski %.2f (this JVM); load "
					+ "average %s%n", round, raw, chaski, chaski / raw, durable, chaski / durable,
					perGiB(rawCpu, file), perGiB(chaskiCpu, file), LoadAverage.now());
		}
		try (var files = Files.walk(dir)) {
			files.sorted((x, y) -> y.compareTo(x)).forEach(path -> path.toFile().delete());
		}
	}

	/**
	 * Sender reads and hashes, writes 1 MiB at a time; receiver reads, hashes and writes to disk.
	 * @param durable whether the receiver forces the copy to the device before it is done
	 */
	private static double rawTcp(Path file, Path copy, boolean durable) throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
				try (Socket socket = server.accept(); InputStream in = socket.getInputStream();
						FileOutputStream out = new FileOutputStream(copy.toFile())) {
					MessageDigest digest = MessageDigest.getInstance("SHA-256");
					byte[] buffer = new byte[WRITE];
					int read;
					while ((read = in.read(buffer)) > 0) {
						digest.update(buffer, 0, read);
						out.write(buffer, 0, read);
					}
					if (durable) {
						out.getFD().sync();
					}
					return HexFormat.of().formatHex(digest.digest());
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			long start = System.nanoTime();
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
					InputStream in = Files.newInputStream(file); OutputStream out = socket.getOutputStream()) {
				byte[] buffer = new byte[WRITE];
				int read;
				while ((read = in.readNBytes(buffer, 0, WRITE)) > 0) {
					digest.update(buffer, 0, read);
					out.write(buffer, 0, read);
				}
			}
			String theirs = received.get(10, TimeUnit.MINUTES);
			long nanos = System.nanoTime() - start;
			if (!theirs.equals(HexFormat.of().formatHex(digest.digest()))) {
				throw new IllegalStateException("raw copy differs");
			}
			Files.delete(copy);
			return mibPerSecond(Files.size(file), nanos);
		}
	}

	private static FileSettings sized(FileSettings defaults, int chunk, int window) {
		return new FileSettings(defaults.enabled(), defaults.directory(), defaults.maxSize(), defaults.overwrite(),
				chunk, window, defaults.timeout(), defaults.maxTransfers(), defaults.threads(), defaults.resumeWindow());
	}

	/** @param report whether to print what the transfer cost (not for the warm-up) */
	private static double chaski(Path file, Path inbox, FileSettings sized, boolean report) throws Exception {
		FileSettings settings = sized.receiving(true, inbox);
		try (ChaskiNode a = ChaskiNode.builder().name("bench-sender").build().start();
				ChaskiNode b = ChaskiNode.builder().name("bench-receiver").subscriptions("files").build().start();
				ChaskiStreamer sender = new ChaskiStreamer(a, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(),
						settings.receiving(false, inbox));
				ChaskiStreamer receiver = new ChaskiStreamer(b, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(),
						settings)) {
			ChaskiSubscription<byte[]> ticks = receiver.subscribe("ticks", byte[].class);
			a.connect(b.address().hostAndPort()).get(10, TimeUnit.SECONDS);
			while (a.peers().isEmpty() || !a.peers().get(0).subscriptions().contains("ticks")) {
				Thread.onSpinWait();
			}
			MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
			System.gc();
			long heapBefore = memory.getHeapMemoryUsage().getUsed();
			AtomicLong heapMax = new AtomicLong(heapBefore);
			AtomicBoolean running = new AtomicBoolean(true);
			List<Long> latencies = new ArrayList<>();
			AtomicLong allWritten = new AtomicLong();
			long size = Files.size(file);
			Thread ticker = new Thread(() -> tick(sender, ticks, running, latencies, memory, heapMax,
					() -> allWritten.compareAndSet(0, receiver.files().active().stream()
						.anyMatch(info -> info.transferred() == size) ? System.nanoTime() : 0)));
			long start = System.nanoTime();
			ThreadCpu threadCpu = new ThreadCpu();
			long gcMillis = gcMillis();
			CompletableFuture<FileTransferResult> push = sender.pushFile("files", file);
			ticker.start();
			FileTransferResult result = push.get(10, TimeUnit.MINUTES);
			long nanos = System.nanoTime() - start;
			running.set(false);
			ticker.join();
			if (!result.allStored()) {
				throw new IllegalStateException("not stored: " + result);
			}
			Files.delete(inbox.resolve(file.getFileName()));
			if (report) {
				report(threadCpu, gcMillis() - gcMillis, size, nanos, allWritten.get() - start, heapBefore,
						heapMax.get(), latencies);
			}
			return mibPerSecond(size, nanos);
		}
	}

	private static void report(ThreadCpu threadCpu, long gcMillis, long size, long nanos, long writtenNanos,
			long heapBefore, long heapMax, List<Long> latencies) {
		System.out.printf(Locale.ROOT, "  chaski: CPU microseconds per MiB by thread: %s; collectors %d ms%n",
				threadCpu.perMessage((size >> 20) * 1000), gcMillis);
		System.out.printf(Locale.ROOT, "  chaski: every byte written after %.2f s (%.0f MiB/s), stored after %.2f s "
				+ "(the rest: hash check, force to the device, answer)%n", writtenNanos / 1e9,
				mibPerSecond(size, writtenNanos), nanos / 1e9);
		latencies.sort(null);
		System.out.printf(Locale.ROOT,
				"  chaski: heap used %d MiB before, at most %d MiB during (both nodes, one JVM); %d topic "
						+ "messages during the transfer, latency p50 %.2f ms, p99 %.2f ms%n",
				heapBefore >> 20, heapMax >> 20, latencies.size(),
				latencies.isEmpty() ? 0 : latencies.get(latencies.size() / 2) / 1e6,
				latencies.isEmpty() ? 0 : latencies.get(latencies.size() * 99 / 100) / 1e6);
	}

	/**
	 * A topic message every millisecond on the same link, timed from publish to poll; heap sampled and the
	 * transfer's progress looked at meanwhile.
	 */
	private static void tick(ChaskiStreamer sender, ChaskiSubscription<byte[]> ticks, AtomicBoolean running,
			List<Long> latencies, MemoryMXBean memory, AtomicLong heapMax, Runnable progress) {
		while (running.get()) {
			progress.run();
			long sent = System.nanoTime();
			sender.publish("ticks", new byte[8]);
			ChaskiMessage<byte[]> message;
			try {
				message = ticks.poll(Duration.ofSeconds(10));
			}
			catch (InterruptedException ex) {
				return;
			}
			if (message != null) {
				latencies.add(System.nanoTime() - sent);
			}
			heapMax.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
			LockSupport.parkNanos(1_000_000);
		}
	}

	private static void write(Path file, long size) throws IOException {
		Random random = new Random(1);
		byte[] block = new byte[WRITE];
		random.nextBytes(block);
		try (OutputStream out = Files.newOutputStream(file)) {
			for (long left = size; left > 0; left -= block.length) {
				block[0]++; // not all blocks alike
				out.write(block, 0, (int) Math.min(block.length, left));
			}
		}
	}

	private static long gcMillis() {
		return ManagementFactory.getGarbageCollectorMXBeans().stream()
			.mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
	}

	/** CPU time of this JVM, all threads: on a shared machine it says what each side costs, whatever the load. */
	private static long cpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static double perGiB(long cpuNanos, Path file) throws IOException {
		return cpuNanos / 1e9 / (Files.size(file) / (double) (1L << 30));
	}

	private static double mibPerSecond(long bytes, long nanos) {
		return bytes / 1048576.0 / (nanos / 1e9);
	}

}
