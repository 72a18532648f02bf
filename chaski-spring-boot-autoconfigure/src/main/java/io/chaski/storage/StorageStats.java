package io.chaski.storage;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one {@link ChaskiStorage}, read by metrics and the actuator endpoint. */
public final class StorageStats {

	/** Local operations, counted by kind. */
	public enum Operation {
		/** put, with or without a TTL */
		PUT,
		/** get and contains */
		GET,
		/** take */
		TAKE,
		/** delete */
		DELETE,
		/** keys by prefix */
		KEYS,
		/** clear */
		CLEAR
	}

	/** How a {@code fetch} or {@code claim} ended. */
	public enum Outcome {
		/** this node had the key */
		LOCAL,
		/** a peer had it */
		PEER,
		/** nobody answered with it within the timeout */
		MISS
	}

	private final Map<Operation, LongAdder> operations = counters(Operation.class);

	private final Map<Outcome, LongAdder> fetches = counters(Outcome.class);

	private final Map<Outcome, LongAdder> claims = counters(Outcome.class);

	private final LongAdder requestsServed = new LongAdder();

	private final LongAdder requestsRejected = new LongAdder();

	private final LongAdder purged = new LongAdder();

	private final LongAdder claimsRestored = new LongAdder();

	private final LongAdder claimAcksIgnored = new LongAdder();

	private final ReplicationStats replication = new ReplicationStats();

	private static <E extends Enum<E>> Map<E, LongAdder> counters(Class<E> type) {
		Map<E, LongAdder> map = new EnumMap<>(type);
		for (E value : type.getEnumConstants()) {
			map.put(value, new LongAdder());
		}
		return map;
	}

	void count(Operation operation) {
		this.operations.get(operation).increment();
	}

	void fetched(Outcome outcome) {
		this.fetches.get(outcome).increment();
	}

	void claimed(Outcome outcome) {
		this.claims.get(outcome).increment();
	}

	void served() {
		this.requestsServed.increment();
	}

	void rejected() {
		this.requestsRejected.increment();
	}

	void claimRestored() {
		this.claimsRestored.increment();
	}

	void ignoredClaimAck() {
		this.claimAcksIgnored.increment();
	}

	void purged(int rows) {
		this.purged.add(rows);
	}

	/** @param operation a kind @return how many ran */
	public long operations(Operation operation) {
		return this.operations.get(operation).sum();
	}

	/** @param outcome an outcome @return how many fetches ended so */
	public long fetches(Outcome outcome) {
		return this.fetches.get(outcome).sum();
	}

	/** @param outcome an outcome @return how many claims ended so */
	public long claims(Outcome outcome) {
		return this.claims.get(outcome).sum();
	}

	/** @return peer requests (fetches, claims) this node answered */
	public long requestsServed() {
		return this.requestsServed.sum();
	}

	/** @return peer messages dropped: malformed, over a limit, unexpected, or with the storage queue full */
	public long requestsRejected() {
		return this.requestsRejected.sum();
	}

	/**
	 * @return values this node sent to a claimer that did not acknowledge them (timeout, release or closed link),
	 * kept here and claimable again
	 */
	public long claimsRestored() {
		return this.claimsRestored.sum();
	}

	/**
	 * @return claim acknowledgements ignored: for no value sent, or from a peer that was not its claimer (also
	 * counted in {@link #requestsRejected()})
	 */
	public long claimAcksIgnored() {
		return this.claimAcksIgnored.sum();
	}

	/** @return the replication's counters (all zero when replication is off) */
	public ReplicationStats replication() {
		return this.replication;
	}

	/** @return expired rows deleted by sweeps */
	public long purged() {
		return this.purged.sum();
	}

}
