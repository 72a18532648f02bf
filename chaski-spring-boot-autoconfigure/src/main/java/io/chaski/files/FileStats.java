package io.chaski.files;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of file traffic, for metrics: bytes each way and finished transfers by direction and outcome.
 */
public final class FileStats {

	final LongAdder bytesSent = new LongAdder();

	final LongAdder bytesReceived = new LongAdder();

	private final Map<FileOutcome, LongAdder> sent = counters();

	private final Map<FileOutcome, LongAdder> received = counters();

	/** @return file bytes sent in chunks (a resent byte counts again) */
	public long bytesSent() {
		return this.bytesSent.sum();
	}

	/** @return file bytes received and written */
	public long bytesReceived() {
		return this.bytesReceived.sum();
	}

	/**
	 * @param outcome an outcome
	 * @return transfers this node sent that ended so, one per receiving node
	 */
	public long sent(FileOutcome outcome) {
		return this.sent.get(outcome).sum();
	}

	/**
	 * @param outcome an outcome
	 * @return transfers offered to this node that ended so
	 */
	public long received(FileOutcome outcome) {
		return this.received.get(outcome).sum();
	}

	void countSent(FileOutcome outcome) {
		this.sent.get(outcome).increment();
	}

	void countReceived(FileOutcome outcome) {
		this.received.get(outcome).increment();
	}

	private static Map<FileOutcome, LongAdder> counters() {
		Map<FileOutcome, LongAdder> map = new EnumMap<>(FileOutcome.class);
		for (FileOutcome outcome : FileOutcome.values()) {
			map.put(outcome, new LongAdder());
		}
		return map;
	}

}
