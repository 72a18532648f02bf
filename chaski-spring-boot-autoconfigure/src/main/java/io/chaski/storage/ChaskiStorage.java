package io.chaski.storage;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.node.ChaskiNode;
import io.chaski.storage.StorageStats.Operation;
import io.chaski.storage.StorageStats.Outcome;
import io.chaski.support.IoThreads;
import io.chaski.wire.EncodedPayload;
import io.chaski.wire.PayloadCodec;
import io.chaski.wire.PayloadCodecException;

/**
 * Key/value storage of one node in its own SQLite file, with a time to live per key, that the node's peers can
 * ask for: {@link #fetch} copies a key from whoever has it, {@link #claim} takes it from whoever has it so that
 * at most one claimer gets it. Values go through the node's {@link PayloadCodec} ({@code byte[]} and
 * {@code String} as they are, objects as JSON by default).
 * <p>
 * Expired keys are invisible at once, deleted when read and by a periodic sweep. With replication on
 * ({@link ReplicationSettings}), every write reaches the other replicating members and theirs come here; each key
 * keeps the last write on a hybrid logical clock, and deletes are tombstones kept for a grace period
 * (docs/storage.md, "Replication"). Thread-safe.
 */
public final class ChaskiStorage implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ChaskiStorage.class);

	private final StorageSettings settings;

	private final PayloadCodec codec;

	private final Clock clock;

	private final StorageStats stats = new StorageStats();

	private final EntryStore store;

	private final ScheduledExecutorService timer;

	private final StoragePeers peers;

	private final HybridClock hlc;

	private final String origin;

	/** Pushes and merges writes; {@code null} when replication is off. */
	private final Replicator replicator;

	private ChaskiStorage(ChaskiNode node, StorageSettings settings, PayloadCodec codec, Clock clock) {
		this.settings = settings;
		this.codec = codec;
		this.clock = clock;
		this.store = new EntryStore(settings.file(), settings.busyTimeout());
		this.hlc = new HybridClock(clock, settings.replication().maxClockSkew());
		this.hlc.resumeAfter(this.store.rows().maxHlc());
		this.origin = node.id().toString();
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
				IoThreads.factory("chaski-storage-timer-" + node.name() + "-"));
		executor.setRemoveOnCancelPolicy(true);
		this.timer = executor;
		this.peers = new StoragePeers(node, this.store, settings, this.stats, clock, this.timer, this::removeClaimed);
		this.replicator = settings.replication().enabled()
				? new Replicator(node, this.store, settings, this.hlc, this.stats, this.timer) : null;
		long sweep = settings.purgeInterval().toMillis();
		if (sweep > 0) {
			this.timer.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
		}
		log.info("Storage of node {} in {}", node.name(), this.store.file());
	}

	/**
	 * Opens (or creates) the storage file and starts answering the node's peers.
	 * @param node the node whose peers may fetch and claim keys; it may be started later
	 * @param settings where and how
	 * @param codec turns values into bytes and back
	 * @param clock the time that decides expiry (a fixed or moving clock in tests)
	 * @return the storage; close it to release the file
	 * @throws ChaskiStorageException if the file cannot be opened as a SQLite database
	 */
	public static ChaskiStorage open(ChaskiNode node, StorageSettings settings, PayloadCodec codec, Clock clock) {
		return new ChaskiStorage(Objects.requireNonNull(node, "node"), Objects.requireNonNull(settings, "settings"),
				Objects.requireNonNull(codec, "codec"), Objects.requireNonNull(clock, "clock"));
	}

	// ------------------------------------------------------------------ local

	/**
	 * Stores a value for the default time to live ({@code chaski.storage.default-ttl}).
	 * @param key 1 to {@code max-key-length} characters
	 * @param value the value, not {@code null}
	 * @throws ChaskiStorageException if the key or the encoded value is over its limit
	 */
	public void put(String key, Object value) {
		put(key, value, this.settings.defaultTtl());
	}

	/**
	 * Stores a value, replacing any before it. Once this returns the value is in the file's write-ahead log:
	 * it survives a crash of this process.
	 * @param key 1 to {@code max-key-length} characters
	 * @param value the value, not {@code null}
	 * @param ttl how long it lives; zero means no expiry
	 * @throws ChaskiStorageException if the key or the encoded value is over its limit
	 */
	public void put(String key, Object value, Duration ttl) {
		checkKey(key);
		Objects.requireNonNull(value, "value");
		if (ttl == null || ttl.isNegative()) {
			throw new IllegalArgumentException("ttl must be zero (no expiry) or more, not " + ttl);
		}
		EncodedPayload encoded = this.codec.encode(value);
		if (encoded.bytes().length > this.settings.maxValueBytes()) {
			throw new ChaskiStorageException("value of key '" + key + "' is " + encoded.bytes().length
					+ " bytes encoded, more than " + this.settings.maxValueBytes()
					+ " (chaski.storage.max-value-size)");
		}
		write(new StorageEntry(key, encoded.bytes(), encoded.contentType(), expiresAt(ttl)));
	}

	private long expiresAt(Duration ttl) {
		if (ttl.isZero()) {
			return 0;
		}
		long now = this.clock.millis();
		long millis = Math.max(1, (ttl.getSeconds() > Long.MAX_VALUE / 1000) ? Long.MAX_VALUE : ttl.toMillis());
		return (millis > Long.MAX_VALUE - now) ? Long.MAX_VALUE : now + millis;
	}

	/** Stamps a value as a new write of this node, stores it and pushes it to the replicating peers. */
	private void write(StorageEntry entry) {
		StorageEntry stamped = entry.stamped(this.hlc.now(), this.origin);
		this.store.write(stamped);
		this.stats.count(Operation.PUT);
		if (this.replicator != null) {
			this.replicator.written(stamped);
		}
	}

	/** @return a tombstone for the key when replicating (a delete must reach the peers), else {@code null} */
	private StorageEntry tombstone(String key) {
		if (this.replicator == null) {
			return null;
		}
		long purgeAt = this.clock.millis() + this.settings.replication().tombstoneTtl().toMillis();
		return StorageEntry.tombstone(key, purgeAt, this.hlc.now(), this.origin);
	}

	private void removed(StorageEntry tombstone) {
		if (tombstone != null) {
			this.replicator.written(tombstone);
		}
	}

	/**
	 * @param key the key
	 * @param type the type to read the value as
	 * @param <T> that type
	 * @return the value, empty if absent or expired
	 * @throws ChaskiStorageException if the stored value cannot be read as {@code type}
	 */
	public <T> Optional<T> get(String key, Class<T> type) {
		checkKey(key);
		this.stats.count(Operation.GET);
		return this.store.findLive(key, this.clock.millis()).map(entry -> decode(entry, type));
	}

	/**
	 * Reads and deletes a value atomically: of concurrent takes (on this node or by {@link #claim} from peers), at
	 * most one gets it.
	 * @param key the key
	 * @param type the type to read the value as
	 * @param <T> that type
	 * @return the value, empty if absent or expired
	 * @throws ChaskiStorageException if the stored value cannot be read as {@code type} (it is deleted all the same)
	 */
	public <T> Optional<T> take(String key, Class<T> type) {
		checkKey(key);
		this.stats.count(Operation.TAKE);
		return takeEntry(key).map(entry -> decode(entry, type));
	}

	/**
	 * Takes a row (for {@link #take} and {@link #claim}) unless it is held for a peer's claim, leaving a tombstone
	 * when replicating.
	 */
	private Optional<StorageEntry> takeEntry(String key) {
		StorageEntry tombstone = tombstone(key);
		Optional<StorageEntry> taken = this.peers.takeUnlessHeld(key,
				() -> this.store.take(key, this.clock.millis(), tombstone));
		if (taken.isPresent()) {
			removed(tombstone);
		}
		return taken;
	}

	/**
	 * Deletes a row a peer's claimer acknowledged, if no write replaced it since it was sent; when replicating, the
	 * tombstone is written (and pushed) only now.
	 */
	private void removeClaimed(StorageEntry sent) {
		StorageEntry tombstone = tombstone(sent.key());
		if (this.store.removeVersion(sent, tombstone)) {
			removed(tombstone);
		}
	}

	/**
	 * @param key the key
	 * @return whether there was a value (expired or not)
	 */
	public boolean delete(String key) {
		checkKey(key);
		this.stats.count(Operation.DELETE);
		StorageEntry tombstone = tombstone(key);
		boolean held = this.store.delete(key, tombstone);
		// a replicating node sends the delete even for a key it does not hold: a peer may hold it
		removed(tombstone);
		return held;
	}

	/**
	 * @param key the key
	 * @return whether a value that has not expired is stored under it
	 */
	public boolean contains(String key) {
		checkKey(key);
		this.stats.count(Operation.GET);
		return this.store.findLive(key, this.clock.millis()).isPresent();
	}

	/**
	 * @param prefix the start of the keys wanted, matched exactly (case-sensitive); empty for every key
	 * @return the keys that have not expired, sorted
	 */
	public List<String> keys(String prefix) {
		Objects.requireNonNull(prefix, "prefix");
		this.stats.count(Operation.KEYS);
		return this.store.rows().findLiveKeys(prefix, this.clock.millis());
	}

	/** Deletes every key of this node (and, when replicating, of every replicating member). */
	public void clear() {
		this.stats.count(Operation.CLEAR);
		if (this.replicator == null) {
			this.store.rows().deleteAll();
			return;
		}
		List<StorageEntry> tombstones = this.store.rows().findLiveKeys("", this.clock.millis()).stream()
			.map(this::tombstone)
			.toList();
		this.replicator.written(this.store.writeAll(tombstones));
	}

	// ------------------------------------------------------------------ peers

	/**
	 * Gets a value from this node, else from the first peer that has it; a value found at a peer is kept here
	 * with the time to live it had left there.
	 * @param key the key
	 * @param type the type to read the value as
	 * @param <T> that type
	 * @return the value; empty when nobody has it (known when every peer said no, at the latest after
	 * {@code chaski.storage.fetch-timeout})
	 */
	public <T> CompletableFuture<Optional<T>> fetch(String key, Class<T> type) {
		checkKey(key);
		Optional<StorageEntry> local = this.store.findLive(key, this.clock.millis());
		if (local.isPresent()) {
			this.stats.fetched(Outcome.LOCAL);
			return CompletableFuture.completedFuture(local.map(entry -> decode(entry, type)));
		}
		return this.peers.fetch(key).thenApply(found -> {
			this.stats.fetched(found.isPresent() ? Outcome.PEER : Outcome.MISS);
			if (this.replicator == null) {
				// a replicating node gets the key by replication, with the version that wins, not as a new write
				found.ifPresent(this::keep);
			}
			return found.map(entry -> decode(entry, type));
		});
	}

	/**
	 * Takes a value from this node, else from one peer that has it: the holder hides the key from every other
	 * claim and take, sends it, and deletes it only when this node acknowledges that it has it; without the
	 * acknowledgement in time (or when the link closes) the holder keeps it, claimable again. Of concurrent
	 * claimers at most one gets the value, and it is never lost; a lost acknowledgement leaves it both here and at
	 * the holder (docs/storage.md). A value that comes after the timeout is given back to the holder.
	 * @param key the key
	 * @param type the type to read the value as
	 * @param <T> that type
	 * @return the value; empty when nobody could give it within {@code chaski.storage.fetch-timeout}
	 */
	public <T> CompletableFuture<Optional<T>> claim(String key, Class<T> type) {
		checkKey(key);
		Optional<StorageEntry> local = takeEntry(key);
		if (local.isPresent()) {
			this.stats.claimed(Outcome.LOCAL);
			return CompletableFuture.completedFuture(local.map(entry -> decode(entry, type)));
		}
		return this.peers.claim(key).thenApply(found -> {
			this.stats.claimed(found.isPresent() ? Outcome.PEER : Outcome.MISS);
			return found.map(entry -> decode(entry, type));
		});
	}

	/** Keeps a value fetched from a peer as a write of this node. */
	private void keep(StorageEntry entry) {
		write(entry);
	}

	// ------------------------------------------------------------------ housekeeping and state

	/**
	 * Deletes every expired row now (the periodic sweep does the same).
	 * @return how many rows went
	 */
	public int purgeExpired() {
		int rows = this.store.rows().deleteExpired(this.clock.millis());
		this.stats.purged(rows);
		return rows;
	}

	private void sweep() {
		try {
			purgeExpired();
		}
		catch (RuntimeException ex) {
			log.warn("Storage sweep of {} failed: {}", this.store.file(), ex.toString());
		}
	}

	/** @return how many keys have not expired */
	public long size() {
		return this.store.rows().countLive(this.clock.millis());
	}

	/** @return the SQLite file */
	public Path file() {
		return this.store.file();
	}

	/** @return bytes on disk: the file and its write-ahead log */
	public long fileBytes() {
		return this.store.fileBytes();
	}

	/** @return whether the database answers a query */
	public boolean isReachable() {
		return this.store.isReachable();
	}

	/** @return fetches and claims this node waits for */
	public int pendingRequests() {
		return this.peers.pendingRequests();
	}

	/** @return whether this storage replicates with the other replicating members */
	public boolean isReplicating() {
		return this.replicator != null;
	}

	/** @return tombstones of deleted keys kept for replication */
	public long tombstones() {
		return this.store.rows().countTombstones();
	}

	/** Starts an anti-entropy round with every replicating peer now, besides the periodic ones. */
	public void synchronize() {
		if (this.replicator != null) {
			this.replicator.roundsWithAll();
		}
	}

	/** @return keys this node holds for peers' claims (hidden until acknowledged), for tests in this package */
	int heldForClaimers() {
		return this.peers.heldForClaimers();
	}

	/** @return the file's store, for tests in this package */
	EntryStore store() {
		return this.store;
	}

	/** @return counters */
	public StorageStats stats() {
		return this.stats;
	}

	/** @return the settings it was opened with */
	public StorageSettings settings() {
		return this.settings;
	}

	/** Stops answering peers and closes the file. */
	@Override
	public void close() {
		this.timer.shutdownNow();
		if (this.replicator != null) {
			this.replicator.close();
		}
		this.peers.close();
		this.store.close();
	}

	private void checkKey(String key) {
		if (key == null || key.isEmpty()) {
			throw new IllegalArgumentException("key must not be null or empty");
		}
		if (key.length() > this.settings.maxKeyLength()) {
			throw new ChaskiStorageException("key of " + key.length() + " characters is longer than "
					+ this.settings.maxKeyLength() + " (chaski.storage.max-key-length): '" + key.substring(0, Math.min(32, key.length()))
					+ "...'");
		}
	}

	private <T> T decode(StorageEntry entry, Class<T> type) {
		try {
			return this.codec.decode(entry.value(), entry.contentType(), type);
		}
		catch (PayloadCodecException ex) {
			throw new ChaskiStorageException("stored value of key '" + entry.key() + "' (" + entry.value().length
					+ " bytes, " + ((entry.contentType() != null) ? entry.contentType() : "raw bytes")
					+ ") cannot be read as " + type.getName() + ": " + ex.getMessage(), ex);
		}
	}

}
