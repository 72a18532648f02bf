package io.chaski.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import io.chaski.annotation.ChaskiListener;
import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.StreamerObserver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The Spring Boot application {@link BootBenchmark} starts twice, as separate processes: a consumer that counts
 * what its {@code @ChaskiListener} methods receive, and a publisher that calls {@link ChaskiStreamer#publish}
 * in a loop. Everything is the starter's default configuration except the port and the seed.
 * <p>
 * Arguments: {@code consumer <messages> <warmup>} or {@code publisher <messages> <warmup> <bytes|json>}, then
 * Spring arguments. The publisher first publishes {@code warmup} messages, then {@code messages}; the figures cover
 * the {@code messages} only, so that they show the steady state of a running application, not a JVM compiling its
 * code (the raw baseline gets a warm-up round too). Both print machine-readable lines ({@code READY ...},
 * {@code RESULT ...}, {@code PUBLISHED ...}, with CPU per message) and a {@code THREADS} line with their busiest
 * threads' CPU per message.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BenchApp {

	static final String BYTES_TOPIC = "bench-bytes";

	static final String JSON_TOPIC = "bench-json";

	/** The small record the JSON variant sends. */
	public record Reading(String sensor, long sequence, double value) {
	}

	public static void main(String[] args) throws Exception {
		String role = args[0];
		int messages = Integer.parseInt(args[1]);
		int warmup = Integer.parseInt(args[2]);
		String[] springArgs = Arrays.copyOfRange(args, role.equals("publisher") ? 4 : 3, args.length);
		SpringApplication application = new SpringApplication(BenchApp.class);
		application.setLogStartupInfo(false);
		System.setProperty("bench.role", role);
		if (role.equals("consumer")) {
			System.setProperty("bench.messages", String.valueOf(messages));
			System.setProperty("bench.warmup", String.valueOf(warmup));
			try (ConfigurableApplicationContext context = application.run(springArgs)) {
				ChaskiNode node = context.getBean(ChaskiNode.class);
				Map<String, LongAdder> drops = new ConcurrentHashMap<>();
				context.getBean(ChaskiStreamer.class).addObserver(new StreamerObserver() {

					@Override
					public void dropped(String topic, String reason) {
						drops.computeIfAbsent(reason, key -> new LongAdder()).increment();
					}

				});
				System.out.println("READY port=" + node.address().port());
				context.getBean(Counter.class).awaitAndReport(node);
				if (!drops.isEmpty()) {
					// duplicates and rejected ids are counted, not logged: a loss must say where it went
					System.out.println("DROPS " + drops);
				}
			}
		}
		else {
			try (ConfigurableApplicationContext context = application.run(springArgs)) {
				publish(context, messages, warmup, args[3]);
			}
		}
		System.exit(0);
	}

	private static void publish(ConfigurableApplicationContext context, int messages, int warmup, String variant) {
		ChaskiNode node = context.getBean(ChaskiNode.class);
		ChaskiStreamer streamer = context.getBean(ChaskiStreamer.class);
		String topic = variant.equals("json") ? JSON_TOPIC : BYTES_TOPIC;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (node.peers().stream().noneMatch(peer -> peer.subscriptions().contains(topic))) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the consumer never joined " + topic);
			}
			LockSupport.parkNanos(10_000_000);
		}
		byte[] bytes = new byte[100];
		long failed = publish(streamer, topic, variant, bytes, 0, warmup);
		long start = System.nanoTime();
		long cpuStart = processCpuNanos();
		ThreadCpu threads = new ThreadCpu();
		failed += publish(streamer, topic, variant, bytes, warmup, warmup + messages);
		double seconds = (System.nanoTime() - start) / 1e9;
		double cpu = (processCpuNanos() - cpuStart) / (double) messages;
		System.out.println("THREADS publisher ns/msg " + threads.perMessage(messages));
		System.out.printf(Locale.ROOT, "PUBLISHED ok=%d failed=%d seconds=%.3f cpu=%.0f%n", warmup + messages - failed,
				failed, seconds, cpu);
	}

	/** Publishes the messages numbered {@code from} (inclusive) to {@code to}; returns how many failed. */
	private static long publish(ChaskiStreamer streamer, String topic, String variant, byte[] bytes, int from, int to) {
		long failed = 0;
		for (int i = from; i < to; i++) {
			try {
				streamer.publish(topic, variant.equals("json") ? new Reading("sensor-1", i, i * 0.5) : bytes);
			}
			catch (RuntimeException ex) {
				failed++;
			}
		}
		return failed;
	}

	/** CPU time of the whole process (all threads, JIT and GC included). */
	static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	/**
	 * Only the consumer listens: a publisher subscribed to its own topic would count (and pay for) each message
	 * too.
	 */
	@Bean
	@ConditionalOnProperty(name = "bench.role", havingValue = "consumer")
	Counter counter() {
		return new Counter();
	}

	/** The gaps in a stream of sequence numbers that should arrive in order (one publisher, one topic). */
	static final class SequenceGaps {

		private final java.util.List<String> gaps = new java.util.ArrayList<>();

		private long next;

		void see(long sequence) {
			if (sequence != this.next && this.gaps.size() < 10) {
				this.gaps.add(this.next + ".." + (sequence - 1));
			}
			this.next = sequence + 1;
		}

		long next() {
			return this.next;
		}

		@Override
		public String toString() {
			return this.gaps.toString();
		}

	}

	/**
	 * Counts what the listeners receive; the first receipt after the warm-up messages and the last receipt give the
	 * delivered rate.
	 */
	static final class Counter {

		private final AtomicLong received = new AtomicLong();

		private volatile long first;

		private volatile long last;

		private volatile long cpuFirst;

		private volatile long cpuLast;

		private volatile ThreadCpu threads;

		private final CountDownLatch done = new CountDownLatch(1);

		private final SequenceGaps sequence = new SequenceGaps();

		private final int warmup = Integer.getInteger("bench.warmup", 0);

		private final long expected = this.warmup + (long) Integer.getInteger("bench.messages", Integer.MAX_VALUE);

		@ChaskiListener(topics = BYTES_TOPIC)
		public void onBytes(byte[] payload) {
			count();
		}

		@ChaskiListener(topics = JSON_TOPIC)
		public void onReading(Reading reading) {
			count();
			this.sequence.see(reading.sequence());
		}

		private void count() {
			long now = System.nanoTime();
			long n = this.received.incrementAndGet();
			this.last = now;
			// taken every 4096 messages too, so that the JIT compiles it with the loop: a branch first taken when the
			// measurement starts (or ends) would throw the compiled listener path away right then
			if ((n & 4095) == 0 || n == this.warmup + 1 || n == this.expected) {
				mark(n, now);
			}
		}

		private void mark(long n, long now) {
			if (n == this.warmup + 1) {
				this.first = now;
				this.cpuFirst = processCpuNanos();
				this.threads = new ThreadCpu();
			}
			if (n == this.expected) {
				this.cpuLast = processCpuNanos();
				this.done.countDown();
			}
		}

		/**
		 * Waits for every message, or for 10 s without progress, then prints the figures: {@code received} counts
		 * the warm-up messages too, the rate and CPU only those after them.
		 */
		void awaitAndReport(ChaskiNode node) throws InterruptedException {
			long seen = -1;
			while (!this.done.await(10, TimeUnit.SECONDS)) {
				long now = this.received.get();
				if (now == seen && now > 0) {
					break;
				}
				seen = now;
			}
			long received = this.received.get();
			long count = received - this.warmup; // the measured messages that arrived
			double seconds = (this.last - this.first) / 1e9;
			long cpuEnd = (this.cpuLast != 0) ? this.cpuLast : processCpuNanos();
			if (this.threads != null) {
				System.out.println("THREADS consumer ns/msg " + this.threads.perMessage(count));
			}
			if (received < this.expected && this.sequence.next() > 0) {
				// where the missing readings were: in gaps along the stream, or at its end
				System.out.println("DROPS gaps " + this.sequence + ", then missing from " + this.sequence.next());
			}
			System.out.printf(Locale.ROOT, "RESULT received=%d seconds=%.3f rate=%.0f cpu=%.0f perFrame=%.1f%n", received,
					seconds, (count > 1 && seconds > 0) ? (count - 1) / seconds : 0.0,
					(count > 1) ? (cpuEnd - this.cpuFirst) / (double) (count - 1) : 0.0,
					node.stats().envelopesIn() / (double) Math.max(1, node.stats().framesIn()));
		}

	}

}
