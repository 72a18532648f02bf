package io.chaski.wire;

import java.lang.management.ManagementFactory;
import java.util.function.Consumer;

import io.chaski.testing.FrameFuzzer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A million generated and mutated frame bodies through {@link FrameDecoder}: nothing but
 * {@link WireFormatException} escapes, and no decode allocates more than a bound proportional to the frame.
 * The seed comes from {@code -Dchaski.fuzz.seed=...} to replay a failure; otherwise one fixed seed and one
 * random seed per run share the work. Every failure message names its seed.
 */
class FrameDecoderFuzzTest {

	private static final int FRAMES = 1_000_000;

	private static final int BATCH = 1000;

	/** Allocation allowed per decoded byte: envelopes, maps and strings cost more than their wire bytes. */
	private static final long BYTES_PER_BYTE = 64;

	/** Allocation allowed per decode on top: the reader, an envelope's fixed objects, a header map. */
	private static final long BYTES_PER_DECODE = 4096;

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	@Test
	void onlyWireFormatExceptionsEscapeAndAllocationStaysProportional() {
		String given = System.getProperty("chaski.fuzz.seed");
		if (given != null) {
			fuzz(Long.decode(given), FRAMES);
		}
		else {
			fuzz(0x5EED_C4A5_C1L, FRAMES / 2);
			fuzz(System.nanoTime(), FRAMES / 2);
		}
	}

	private static void fuzz(long seed, int frames) {
		FrameFuzzer fuzzer = FrameFuzzer.forDecoder(seed);
		FrameDecoder decoder = new FrameDecoder();
		int[] envelopes = new int[1];
		Consumer<Envelope> sink = envelope -> envelopes[0]++;
		byte[][] batch = new byte[BATCH][];
		int rejected = 0;
		for (int done = 0; done < frames; done += BATCH) {
			long bytes = 0;
			for (int i = 0; i < BATCH; i++) {
				batch[i] = fuzzer.next();
				bytes += batch[i].length;
			}
			long before = THREADS.getCurrentThreadAllocatedBytes();
			for (int i = 0; i < BATCH; i++) {
				try {
					decoder.decode(batch[i], sink);
				}
				catch (WireFormatException ex) {
					rejected++;
				}
				catch (Throwable ex) {
					fail("seed " + seed + ", frame " + (done + i) + ": " + ex + " escaped the decoder", ex);
				}
			}
			long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
			assertThat(allocated).as("seed %d, batch at frame %d: bytes allocated decoding %d bytes", seed, done, bytes)
				.isLessThanOrEqualTo(BYTES_PER_BYTE * bytes + BYTES_PER_DECODE * BATCH);
		}
		// the generator is worth something only if it produces both outcomes
		assertThat(rejected).as("seed %d: malformed bodies", seed).isBetween(frames / 4, frames - frames / 20);
		assertThat(envelopes[0]).as("seed %d: envelopes decoded", seed).isGreaterThan(frames / 10);
	}

}
