package io.chaski.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chaski as a Spring Boot user meets it: two Boot applications ({@link BenchApp}) in separate JVMs on loopback,
 * one publishing {@code messages} payloads, the other counting them in a {@code @ChaskiListener}, against raw
 * framed TCP measured in the same run. Reports the delivered rate (first to last receipt), the messages lost, the
 * CPU per message of each process, the envelopes per frame, and each round's {@code THREADS} lines. Each pair of
 * apps first passes {@code warmup} messages that are not measured (the raw baseline has its warm-up round): the
 * figures are those of running applications, not of JVMs still compiling. Run it with the command in
 * {@code docs/performance.md}. Arguments: {@code [messages] [rounds] [warmup]} (10 million warm-up messages
 * by default, about four seconds at full rate: on two busy cores the JIT compiler takes that long to finish the
 * receive path; after 1 or 3 million it still spent 130-340 ns per measured message on the consumer, a third of its
 * CPU. The {@code jit} entry of the {@code THREADS} lines shows what is left. 0 measures cold JVMs, as the rounds
 * before 2026-12-01's sixth did); the system
 * property {@code bench.jfr=<dir>} records both apps with Java Flight Recorder ({@code bench.jfc=<settings>} picks
 * the recording settings, {@code profile} by default).
 */
public final class BootBenchmark {

	private static final Pattern FIELD = Pattern.compile("(\\w+)=([\\d.]+)");

	private BootBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int messages = (args.length > 0) ? Integer.parseInt(args[0]) : 3_000_000;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		int warmup = (args.length > 2) ? Integer.parseInt(args[2]) : 10_000_000;
		System.out.printf(Locale.ROOT, "Boot benchmark: %d messages of 100 bytes after %d warm-up messages, %d rounds, %d cores, %s%n",
				messages, warmup, rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
		ThroughputBenchmark.rawTcp(messages); // warm-up
		double[] raw = new double[rounds];
		for (int i = 0; i < rounds; i++) {
			raw[i] = ThroughputBenchmark.rawTcp(messages);
		}
		Arrays.sort(raw);
		double rawMedian = raw[rounds / 2];
		System.out.printf(Locale.ROOT, "%-28s: %,12.0f msg/s median (min %,.0f, max %,.0f)%n", "raw framed TCP", rawMedian,
				raw[0], raw[rounds - 1]);
		for (String variant : List.of("bytes", "json")) {
			double[] rates = new double[rounds];
			long lost = 0;
			long failed = 0;
			double[] consumerCpu = new double[rounds];
			double[] publisherCpu = new double[rounds];
			double[] perFrame = new double[rounds];
			for (int i = 0; i < rounds; i++) {
				Map<String, Double> result = runPair(messages, warmup, variant, i);
				rates[i] = result.get("rate");
				consumerCpu[i] = result.get("cpu");
				publisherCpu[i] = result.get("publisherCpu");
				perFrame[i] = result.get("perFrame");
				lost += (long) warmup + messages - result.get("received").longValue();
				failed += result.get("failed").longValue();
			}
			Arrays.sort(rates);
			System.out.printf(Locale.ROOT,
					"%-28s: %,12.0f msg/s median (min %,.0f, max %,.0f), %.2f of raw, lost %d, publish failures %d%n",
					"boot @ChaskiListener(" + (variant.equals("json") ? "record" : "byte[]") + ")", rates[rounds / 2],
					rates[0], rates[rounds - 1], rates[rounds / 2] / rawMedian, lost, failed);
			Arrays.sort(consumerCpu);
			Arrays.sort(publisherCpu);
			Arrays.sort(perFrame);
			System.out.printf(Locale.ROOT, "%-28s  CPU per message (medians): consumer %.0f ns, publisher %.0f ns; %.0f messages per frame%n",
					"", consumerCpu[rounds / 2], publisherCpu[rounds / 2], perFrame[rounds / 2]);
		}
	}

	/** Starts the consumer, then the publisher seeded with it; returns the consumer's and publisher's figures. */
	private static Map<String, Double> runPair(int messages, int warmup, String variant, int round) throws Exception {
		Process consumer = start(recording("consumer", variant, round), "consumer", String.valueOf(messages),
				String.valueOf(warmup), "--chaski.node.name=consumer");
		try {
			LinkedBlockingQueue<String> consumerLines = lines(consumer, "consumer");
			String ready = await(consumerLines, "READY");
			String port = String.valueOf(fields(ready).get("port").intValue());
			Process publisher = start(recording("publisher", variant, round), "publisher", String.valueOf(messages),
					String.valueOf(warmup), variant,
					"--chaski.node.name=publisher", "--chaski.discovery.seeds=127.0.0.1:" + port,
					// the default 2 s flush on close lost the tail of a full queue to a slower consumer
					"--chaski.node.shutdown-timeout=60s");
			try {
				Map<String, Double> published = fields(await(lines(publisher, "publisher"), "PUBLISHED"));
				publisher.waitFor(30, TimeUnit.SECONDS);
				Map<String, Double> result = new java.util.HashMap<>(fields(await(consumerLines, "RESULT")));
				result.put("failed", published.get("failed"));
				result.put("publisherCpu", published.get("cpu"));
				consumer.waitFor(30, TimeUnit.SECONDS); // exits by itself after the result (and writes its recording)
				return result;
			}
			finally {
				publisher.destroyForcibly();
			}
		}
		finally {
			consumer.destroyForcibly();
		}
	}

	/** @return the JVM option that records the process with Java Flight Recorder, if bench.jfr names a folder */
	private static List<String> recording(String role, String variant, int round) {
		String folder = System.getProperty("bench.jfr");
		return (folder == null) ? List.of() : List.of("-XX:StartFlightRecording=filename=" + folder + "/" + role + "-"
				+ variant + "-" + round + ".jfr,settings=" + System.getProperty("bench.jfc", "profile") + ",dumponexit=true");
	}

	private static Process start(List<String> jvmOptions, String... arguments) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
		command.add("-Xmx1g");
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(BenchApp.class.getName());
		command.addAll(List.of(arguments));
		command.add("--logging.level.root=WARN");
		command.add("--logging.level.io.chaski.node=INFO"); // link events: a loss must say whether a link changed
		return new ProcessBuilder(command).redirectErrorStream(true).start();
	}

	/**
	 * The process's output lines, read off its pipe so that it never blocks on a full one. Its warnings and errors
	 * are shown as they come (the apps log at WARN), and so are the consumer's drops by reason (DROPS): a drop, a closed
	 * link or a failure says why messages were lost.
	 */
	private static LinkedBlockingQueue<String> lines(Process process, String role) {
		LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
		CompletableFuture.runAsync(() -> {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = reader.readLine(); line != null; line = reader.readLine()) {
					if (line.contains(" WARN ") || line.contains(" ERROR ") || line.startsWith("DROPS ")
							|| line.contains(" connected to ") || line.contains(" lost ") || line.contains(" goes on with ")) {
						System.out.println("  ! " + role + ": " + line);
					}
					lines.add(line);
				}
			}
			catch (IOException ex) {
				lines.add("EXIT " + ex.getMessage());
			}
		});
		return lines;
	}

	private static String await(LinkedBlockingQueue<String> lines, String prefix) throws InterruptedException {
		while (true) {
			String line = lines.poll(3, TimeUnit.MINUTES);
			if (line == null) {
				throw new IllegalStateException("no " + prefix + " line within 3 minutes");
			}
			if (line.startsWith(prefix)) {
				return line;
			}
			if (line.startsWith("THREADS")) {
				System.out.println("  | " + line);
			}
			if (line.contains("WARN") || line.contains("ERROR") || line.contains("Exception")) {
				System.out.println("  | " + line);
			}
		}
	}

	private static Map<String, Double> fields(String line) {
		Map<String, Double> fields = new java.util.HashMap<>();
		Matcher matcher = FIELD.matcher(line);
		while (matcher.find()) {
			fields.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
		}
		return fields;
	}

}
