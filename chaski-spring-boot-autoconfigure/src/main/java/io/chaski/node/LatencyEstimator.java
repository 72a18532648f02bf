package io.chaski.node;

/**
 * Smoothed one-way latency (RTT/2) and its jitter, in the style of TCP's SRTT and RTTVAR (RFC 6298):
 * the mean moves 1/8 towards each sample and the jitter 1/4 towards the sample's deviation.
 */
final class LatencyEstimator {

	private double meanNanos = Double.NaN;

	private double jitterNanos;

	private long samples;

	synchronized void record(long oneWayNanos) {
		if (this.samples++ == 0) {
			this.meanNanos = oneWayNanos;
			this.jitterNanos = oneWayNanos / 2.0;
			return;
		}
		this.jitterNanos = 0.75 * this.jitterNanos + 0.25 * Math.abs(this.meanNanos - oneWayNanos);
		this.meanNanos = 0.875 * this.meanNanos + 0.125 * oneWayNanos;
	}

	/** @return the smoothed latency in milliseconds, NaN before the first sample */
	synchronized double meanMillis() {
		return this.meanNanos / 1e6;
	}

	/** @return the jitter in milliseconds, 0 before the first sample */
	synchronized double jitterMillis() {
		return this.jitterNanos / 1e6;
	}

	synchronized long samples() {
		return this.samples;
	}

}
