package io.chaski.storage;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Counters of a storage's replication, read by metrics, health and the actuator endpoint: writes pushed and
 * applied, stale and refused writes, anti-entropy rounds and bytes, and the replication lag (wall-clock time from
 * a write on its node to its arrival here, as clocks tell it) of recent pushed writes.
 */
public final class ReplicationStats {

	/** Recent lags kept for the percentiles. */
	private static final int WINDOW = 1024;

	private final LongAdder pushed = new LongAdder();

	private final LongAdder applied = new LongAdder();

	private final LongAdder stale = new LongAdder();

	private final LongAdder refused = new LongAdder();

	private final LongAdder dropped = new LongAdder();

	private final LongAdder rounds = new LongAdder();

	private final LongAdder antiEntropyBytes = new LongAdder();

	private final long[] lags = new long[WINDOW];

	private long lagCount;

	private final List<LongConsumer> lagListeners = new CopyOnWriteArrayList<>();

	void pushed(int writes) {
		this.pushed.add(writes);
	}

	void applied(int writes) {
		this.applied.add(writes);
	}

	void stale(int writes) {
		this.stale.add(writes);
	}

	void countRefused() {
		this.refused.increment();
	}

	void countDropped() {
		this.dropped.increment();
	}

	void round() {
		this.rounds.increment();
	}

	void antiEntropyBytes(long bytes) {
		this.antiEntropyBytes.add(bytes);
	}

	void lag(long millis) {
		long lag = Math.max(0, millis);
		synchronized (this.lags) {
			this.lags[(int) (this.lagCount++ % WINDOW)] = lag;
		}
		this.lagListeners.forEach(listener -> listener.accept(lag));
	}

	/** @param listener told the lag of every pushed write applied here, in milliseconds (metrics record it) */
	public void onLag(LongConsumer listener) {
		this.lagListeners.add(listener);
	}

	/** @return writes this node sent to its replicating peers (its own and relayed ones, once per batch) */
	public long pushed() {
		return this.pushed.sum();
	}

	/** @return writes from peers that were news here and were stored */
	public long applied() {
		return this.applied.sum();
	}

	/** @return writes from peers that lost to what this node held (already seen, or older) */
	public long stale() {
		return this.stale.sum();
	}

	/** @return writes from peers refused: stamped too far in the future (chaski.storage.replication.max-clock-skew) */
	public long refused() {
		return this.refused.sum();
	}

	/** @return writes not pushed because the push queue was full (anti-entropy brings them) */
	public long dropped() {
		return this.dropped.sum();
	}

	/** @return anti-entropy rounds this node started and completed */
	public long rounds() {
		return this.rounds.sum();
	}

	/** @return bytes of anti-entropy messages (digests, versions, wants, repairs) sent and received */
	public long antiEntropyBytes() {
		return this.antiEntropyBytes.sum();
	}

	/**
	 * @param percentile 0 to 100
	 * @return that percentile of the lag of the last pushed writes applied here, in milliseconds; -1 before any
	 */
	public long lagMillis(double percentile) {
		long[] sorted;
		synchronized (this.lags) {
			if (this.lagCount == 0) {
				return -1;
			}
			sorted = Arrays.copyOf(this.lags, (int) Math.min(WINDOW, this.lagCount));
		}
		Arrays.sort(sorted);
		int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

}
