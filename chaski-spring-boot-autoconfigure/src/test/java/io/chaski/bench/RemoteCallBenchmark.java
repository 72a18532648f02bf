package io.chaski.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;

import io.chaski.node.ChaskiNode;
import io.chaski.remote.ChaskiRemoteRegistry;
import io.chaski.remote.RemoteSettings;
import io.chaski.wire.DefaultPayloadCodec;

/**
 * Remote calls against a raw TCP ping-pong baseline, measured in the same run: synchronous round trip p50/p99 and
 * pipelined asynchronous calls per second. Run it with the command in {@code docs/performance.md}. Arguments:
 * {@code [sync calls, default 20000] [async calls, default 1000000] [async window, default 4096]}.
 */
public final class RemoteCallBenchmark {

	/** The service measured: an echo of an int. */
	public interface Echo {

		/** @param value a value @return the same */
		int echo(int value);

		/** @param value a value @return the same, asynchronously */
		CompletableFuture<Integer> echoAsync(int value);

	}

	private RemoteCallBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.chaski")).setLevel(Level.WARN);
		int syncCalls = (args.length > 0) ? Integer.parseInt(args[0]) : 20_000;
		int asyncCalls = (args.length > 1) ? Integer.parseInt(args[1]) : 1_000_000;
		int window = (args.length > 2) ? Integer.parseInt(args[2]) : 4096;
		System.out.printf(Locale.ROOT, "Remote-call benchmark: %d sync calls, %d async calls (window %d), %d cores, %s%n",
				syncCalls, asyncCalls, window, Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.vm.version"));
		long[] raw = rawPingPong(syncCalls);
		report("raw TCP ping-pong", raw);
		try (ChaskiNode provider = ChaskiNode.builder().name("provider").build().start();
				ChaskiNode caller = ChaskiNode.builder().name("caller").build().start()) {
			RemoteSettings settings = new RemoteSettings(Duration.ofSeconds(30), 4, 65_536, 65_536, false);
			ChaskiRemoteRegistry served = new ChaskiRemoteRegistry(provider, new DefaultPayloadCodec(), settings);
			ChaskiRemoteRegistry calls = new ChaskiRemoteRegistry(caller, new DefaultPayloadCodec(), settings);
			served.register("echo", new Echo() {

				@Override
				public int echo(int value) {
					return value;
				}

				@Override
				public CompletableFuture<Integer> echoAsync(int value) {
					return CompletableFuture.completedFuture(value);
				}

			}, Echo.class);
			caller.connect(provider.address().hostAndPort()).get();
			calls.awaitProvider("echo", Duration.ofSeconds(10));
			Echo echo = calls.proxy("echo", Echo.class);

			long[] sync = syncCalls(echo, syncCalls);
			report("chaski sync call", sync);
			System.out.printf(Locale.ROOT, "%-22s: p50 %.1fx raw round trip%n", "ratio", percentile(sync, 0.5)
					/ percentile(raw, 0.5));
			asyncCalls(echo, asyncCalls, window); // warm-up: a whole round (after a fifth, rounds still rose)
			double[] rates = new double[3];
			long asyncCpuBefore = cpuNanos();
			long asyncBytesBefore = allocatedBytes();
			long[] framesBefore = { provider.stats().framesIn(), provider.stats().envelopesIn(), caller.stats().framesIn(),
					caller.stats().envelopesIn() };
			for (int i = 0; i < rates.length; i++) {
				rates[i] = asyncCalls(echo, asyncCalls, window);
			}
			System.out.printf(Locale.ROOT, "%-22s: rounds in order %,.0f / %,.0f / %,.0f calls/s%n",
					"chaski async calls", rates[0], rates[1], rates[2]);
			Arrays.sort(rates);
			System.out.printf(Locale.ROOT, "%-22s: %,.0f calls/s median (min %,.0f, max %,.0f)%n", "chaski async calls",
					rates[1], rates[0], rates[2]);
			System.out.printf(Locale.ROOT, "%-22s: %.2f us CPU per call (both nodes)%n", "chaski async calls",
					(cpuNanos() - asyncCpuBefore) / 1e3 / (3.0 * asyncCalls));
			System.out.printf(Locale.ROOT, "%-22s: %.0f bytes allocated per call (both nodes)%n", "chaski async calls",
					(allocatedBytes() - asyncBytesBefore) / (3.0 * asyncCalls));
			System.out.printf(Locale.ROOT, "%-22s: %.1f calls per frame in, %.1f results per frame back%n",
					"chaski async calls", (provider.stats().envelopesIn() - framesBefore[1])
							/ (double) Math.max(1, provider.stats().framesIn() - framesBefore[0]),
					(caller.stats().envelopesIn() - framesBefore[3])
							/ (double) Math.max(1, caller.stats().framesIn() - framesBefore[2]));
			calls.close();
			served.close();
		}
	}

	private static long[] syncCalls(Echo echo, int count) {
		for (int i = 0; i < count; i++) {
			echo.echo(i); // warm-up
		}
		long[] nanos = new long[count];
		long cpuBefore = cpuNanos();
		long bytesBefore = allocatedBytes();
		Map<String, Long> threadsBefore = cpuByThread();
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			echo.echo(i);
			nanos[i] = System.nanoTime() - start;
		}
		System.out.printf(Locale.ROOT, "%-22s: %.1f us CPU per call (both nodes)%n", "chaski sync call",
				(cpuNanos() - cpuBefore) / 1e3 / count);
		System.out.printf(Locale.ROOT, "%-22s: %.0f bytes allocated per call (both nodes)%n", "chaski sync call",
				(allocatedBytes() - bytesBefore) / (double) count);
		Map<String, Long> threadsAfter = cpuByThread();
		StringBuilder perThread = new StringBuilder();
		threadsAfter.entrySet()
			.stream()
			.map(entry -> Map.entry(entry.getKey(), entry.getValue() - threadsBefore.getOrDefault(entry.getKey(), 0L)))
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(6)
			.forEach(entry -> perThread.append(String.format(Locale.ROOT, " %s %.1f", entry.getKey(),
					entry.getValue() / 1e3 / count)));
		System.out.printf(Locale.ROOT, "%-22s: us CPU per call by thread:%s%n", "chaski sync call", perThread);
		return nanos;
	}

	/** Pipelined: at most {@code window} calls outstanding. */
	private static double asyncCalls(Echo echo, int count, int window) throws InterruptedException {
		Semaphore permits = new Semaphore(window);
		AtomicLong failures = new AtomicLong();
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			permits.acquire();
			echo.echoAsync(i).whenComplete((value, failure) -> {
				if (failure != null) {
					failures.incrementAndGet();
				}
				permits.release();
			});
		}
		permits.acquire(window);
		double seconds = (System.nanoTime() - start) / 1e9;
		if (failures.get() > 0) {
			System.out.println("  (" + failures.get() + " async calls failed)");
		}
		return count / seconds;
	}

	/** One socket, 4-byte length and a 16-byte payload echoed by the other side. */
	private static long[] rawPingPong(int count) throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Thread echo = new Thread(() -> {
				try (Socket socket = server.accept();
						DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
						DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()))) {
					socket.setTcpNoDelay(true);
					byte[] buffer = new byte[1024];
					while (true) {
						int length = in.readInt();
						in.readFully(buffer, 0, length);
						out.writeInt(length);
						out.write(buffer, 0, length);
						out.flush();
					}
				}
				catch (Exception ex) {
					// the client closed: done
				}
			});
			echo.setDaemon(true);
			echo.start();
			try (Socket socket = new Socket(server.getInetAddress(), server.getLocalPort())) {
				socket.setTcpNoDelay(true);
				DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
				DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
				byte[] payload = new byte[16];
				long[] nanos = new long[count];
				for (int round = 0; round < 2; round++) { // the first round warms up
					for (int i = 0; i < count; i++) {
						long start = System.nanoTime();
						out.writeInt(payload.length);
						out.write(payload);
						out.flush();
						in.readFully(payload, 0, in.readInt());
						nanos[i] = System.nanoTime() - start;
					}
				}
				return nanos;
			}
		}
	}

	/** @return the process's CPU time: all threads, JIT and GC included */
	private static long cpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	/** @return CPU time by thread name, pool numbers folded together */
	private static Map<String, Long> cpuByThread() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		Map<String, Long> cpu = new HashMap<>();
		for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
			long nanos = (info != null) ? threads.getThreadCpuTime(info.getThreadId()) : -1;
			if (nanos > 0) {
				cpu.merge(info.getThreadName().replaceAll("\\d+$", "N"), nanos, Long::sum);
			}
		}
		return cpu;
	}

	/** @return the bytes allocated so far by the threads alive now (the nodes' threads live through a phase) */
	private static long allocatedBytes() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		return Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).filter(bytes -> bytes > 0).sum();
	}

	private static void report(String label, long[] nanos) {
		System.out.printf(Locale.ROOT, "%-22s: p50 %7.1f us   p99 %7.1f us%n", label, percentile(nanos, 0.5) / 1e3,
				percentile(nanos, 0.99) / 1e3);
	}

	private static double percentile(long[] nanos, double p) {
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		return sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
	}

}
