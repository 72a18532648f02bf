package io.chaski.testing;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.chaski.streamer.ChaskiMessage;
import io.chaski.streamer.ChaskiSubscription;

/**
 * A reader slower than any publisher: it spends a fixed time on each message (busy-waiting, as a listener doing
 * real work would) and checks that the sequence numbers the payloads start with come in order.
 */
public final class SlowReader {

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong lastSequence = new AtomicLong(-1);

	private final AtomicReference<String> problem = new AtomicReference<>();

	private final Thread thread;

	private SlowReader(ChaskiSubscription<byte[]> subscription, long expected, long nanosPerMessage,
			boolean gapless) {
		this.thread = new Thread(() -> {
			try {
				while (this.received.get() < expected) {
					ChaskiMessage<byte[]> message = subscription.poll(TestNodes.SETTLE);
					if (message == null) {
						return;
					}
					accept(sequenceOf(message.payload()), gapless);
					work(nanosPerMessage);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "slow-reader");
		this.thread.setDaemon(true);
	}

	/**
	 * Starts a reader.
	 * @param subscription what it reads
	 * @param expected how many messages it reads before it stops
	 * @param nanosPerMessage time spent on each message
	 * @param gapless whether every sequence number must come (else only in increasing order)
	 * @return the running reader
	 */
	public static SlowReader start(ChaskiSubscription<byte[]> subscription, long expected, long nanosPerMessage,
			boolean gapless) {
		SlowReader reader = new SlowReader(subscription, expected, nanosPerMessage, gapless);
		reader.thread.start();
		return reader;
	}

	/**
	 * @param sequence the sequence number
	 * @param size payload size, at least 8
	 * @return a payload starting with the sequence number
	 */
	public static byte[] payload(long sequence, int size) {
		return ByteBuffer.allocate(size).putLong(sequence).array();
	}

	/**
	 * @param payload a payload made by {@link #payload}
	 * @return its sequence number
	 */
	public static long sequenceOf(byte[] payload) {
		return ByteBuffer.wrap(payload).getLong();
	}

	/**
	 * Spends a fixed time, busy, as a listener doing work would.
	 * @param nanos how long
	 */
	public static void work(long nanos) {
		long until = System.nanoTime() + nanos;
		while (System.nanoTime() - until < 0) {
			Thread.onSpinWait();
		}
	}

	private void accept(long sequence, boolean gapless) {
		long last = this.lastSequence.getAndSet(sequence);
		if ((gapless && sequence != last + 1) || sequence <= last) {
			this.problem.compareAndSet(null, "message " + sequence + " after " + last);
		}
		this.received.incrementAndGet();
	}

	/** @return messages read so far */
	public long received() {
		return this.received.get();
	}

	/** @return the last sequence number read, -1 before the first */
	public long lastSequence() {
		return this.lastSequence.get();
	}

	/**
	 * Waits for the reader to finish (it stops after the expected count, or 10 s without a message).
	 * @param timeout how long to wait
	 * @return the first ordering problem seen, or {@code null}
	 * @throws InterruptedException if interrupted
	 */
	public String await(Duration timeout) throws InterruptedException {
		this.thread.join(timeout.toMillis());
		return this.problem.get();
	}

}
