package io.chaski.storage;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.chaski.node.ChaskiNode;
import io.chaski.node.Edge;
import io.chaski.node.EnvelopeHandler;
import io.chaski.node.NodeListener;
import io.chaski.node.PeerInfo;
import io.chaski.storage.ClaimHolds.Hold;
import io.chaski.storage.StorageMessages.EntryReply;
import io.chaski.storage.StorageMessages.KeyRequest;
import io.chaski.storage.StorageMessages.Offer;
import io.chaski.storage.StorageMessages.StorageProtocolException;
import io.chaski.support.IoThreads;
import io.chaski.support.LogSafe;
import io.chaski.support.RateLimitedLog;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;

/**
 * The storage protocol between peers: asks them for keys ({@code fetch}), takes keys from them so that at most
 * one claimer gets each and none is lost ({@code claim}: the holder deletes a key only when the claimer
 * acknowledges that it has it), and answers their requests. Envelopes are handed from the I/O threads to a small
 * bounded pool at once; a full pool drops the message (counted), and the asker times out.
 */
final class StoragePeers implements EnvelopeHandler {

	private static final Logger log = LoggerFactory.getLogger(StoragePeers.class);

	private static final int WORKERS = 2;

	private final ChaskiNode node;

	private final EntryStore store;

	private final StorageSettings settings;

	private final StorageStats stats;

	private final Clock clock;

	private final ScheduledExecutorService timer;

	private final Consumer<StorageEntry> removeClaimed;

	private final ThreadPoolExecutor workers;

	private final RateLimitedLog warnings = new RateLimitedLog(log);

	private final AtomicLong correlations = new AtomicLong();

	/** What this node waits for, by correlation id. */
	private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

	/** Keys this node holds for claimers, until they acknowledge, release, disconnect or time out. */
	private final ClaimHolds holds;

	/**
	 * @param removeClaimed deletes the row a claimer acknowledged, if it is still the version sent
	 */
	StoragePeers(ChaskiNode node, EntryStore store, StorageSettings settings, StorageStats stats, Clock clock,
			ScheduledExecutorService timer, Consumer<StorageEntry> removeClaimed) {
		this.node = node;
		this.store = store;
		this.settings = settings;
		this.stats = stats;
		this.clock = clock;
		this.timer = timer;
		this.removeClaimed = removeClaimed;
		this.holds = new ClaimHolds(settings.maxPendingRequests(), settings.fetchTimeout().toMillis(), timer,
				this::restored);
		this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(settings.requestQueueCapacity()),
				IoThreads.factory("chaski-storage-" + node.name() + "-"), new ThreadPoolExecutor.AbortPolicy());
		for (EnvelopeKind kind : List.of(EnvelopeKind.STORAGE_FETCH, EnvelopeKind.STORAGE_FETCH_REPLY,
				EnvelopeKind.STORAGE_CLAIM, EnvelopeKind.STORAGE_CLAIM_OFFER, EnvelopeKind.STORAGE_CLAIM_ACCEPT,
				EnvelopeKind.STORAGE_CLAIM_RELEASE, EnvelopeKind.STORAGE_CLAIM_DONE, EnvelopeKind.STORAGE_CLAIM_ACK)) {
			node.registerHandler(kind, this);
		}
		node.addListener(new NodeListener() {

			@Override
			public void peerDisconnected(PeerInfo peer, boolean graceful) {
				claimerGone(peer.nodeId());
			}

		});
	}

	/**
	 * @param key a key this node does not have
	 * @return the first entry a peer answers with (its expiry made local), empty when every peer said no or
	 * the fetch timeout passed
	 */
	CompletableFuture<Optional<StorageEntry>> fetch(String key) {
		return ask(EnvelopeKind.STORAGE_FETCH, key);
	}

	/**
	 * @param key a key this node does not have
	 * @return the entry, acknowledged to (and so deleted at) the one peer that gave it; empty when nobody could
	 * give it in time
	 */
	CompletableFuture<Optional<StorageEntry>> claim(String key) {
		return ask(EnvelopeKind.STORAGE_CLAIM, key);
	}

	/** @return requests this node waits for */
	int pendingRequests() {
		return this.pending.size();
	}

	/** @return keys this node holds for claimers */
	int heldForClaimers() {
		return this.holds.size();
	}

	/**
	 * Runs a local take unless a claimer holds the key (it is hidden until the claim ends).
	 * @param key the key
	 * @param take the take
	 * @return what the take returned, empty when the key is held
	 */
	Optional<StorageEntry> takeUnlessHeld(String key, Supplier<Optional<StorageEntry>> take) {
		return this.holds.unlessHeld(key, take);
	}

	private CompletableFuture<Optional<StorageEntry>> ask(EnvelopeKind kind, String key) {
		List<Edge> edges = this.node.edges();
		if (edges.isEmpty()) {
			return CompletableFuture.completedFuture(Optional.empty());
		}
		if (this.pending.size() >= this.settings.maxPendingRequests()) {
			return CompletableFuture.failedFuture(new ChaskiStorageException("more than "
					+ this.settings.maxPendingRequests() + " storage requests in flight (chaski.storage.max-pending-requests)"));
		}
		long correlation = this.correlations.incrementAndGet();
		Pending request = new Pending(kind, key, edges.stream().map(Edge::nodeId).collect(Collectors.toSet()));
		this.pending.put(correlation, request);
		this.timer.schedule(() -> expire(correlation, request), this.settings.fetchTimeout().toMillis(),
				TimeUnit.MILLISECONDS);
		byte[] payload = StorageMessages.keyRequest(correlation, key);
		for (Edge edge : edges) {
			if (!send(edge, kind, payload)) {
				answeredNo(correlation, request, edge.nodeId());
			}
		}
		return request.future.copy();
	}

	private void expire(long correlation, Pending request) {
		synchronized (request) {
			this.pending.remove(correlation, request);
			request.future.complete(Optional.empty());
		}
	}

	// ------------------------------------------------------------------ from the I/O threads

	@Override
	public void handle(Edge from, Envelope envelope) {
		try {
			this.workers.execute(() -> process(from, envelope));
		}
		catch (RejectedExecutionException ex) {
			this.stats.rejected();
			this.warnings.warn("storage queue", "Storage of node {} drops a {} from {}: {} requests queued",
					this.node.name(), envelope.kind(), from, this.settings.requestQueueCapacity());
		}
	}

	private void process(Edge from, Envelope envelope) {
		byte[] payload = envelope.payload();
		try {
			switch (envelope.kind()) {
				case STORAGE_FETCH -> serveFetch(from, StorageMessages.readKeyRequest(payload, this.settings.maxKeyLength()));
				case STORAGE_CLAIM -> serveClaim(from, StorageMessages.readKeyRequest(payload, this.settings.maxKeyLength()));
				case STORAGE_CLAIM_ACCEPT -> onAccept(from, StorageMessages.readCorrelation(payload));
				case STORAGE_CLAIM_RELEASE -> this.holds.release(from.nodeId(), StorageMessages.readCorrelation(payload));
				case STORAGE_CLAIM_ACK -> onAck(from, StorageMessages.readCorrelation(payload));
				case STORAGE_CLAIM_OFFER -> onOffer(from, StorageMessages.readOffer(payload));
				case STORAGE_FETCH_REPLY, STORAGE_CLAIM_DONE -> onEntryReply(from, envelope.kind(), payload);
				default -> throw new StorageProtocolException("unexpected kind " + envelope.kind());
			}
		}
		catch (StorageProtocolException ex) {
			this.stats.rejected();
			this.warnings.warn("storage malformed", "Storage of node {} drops a {} from {}: {}", this.node.name(),
					envelope.kind(), from, LogSafe.of(ex.getMessage()));
		}
		catch (RuntimeException ex) {
			this.stats.rejected();
			this.warnings.warn("storage failed", "Storage of node {} could not handle a {} from {}: {}",
					this.node.name(), envelope.kind(), from, LogSafe.of(ex), ex);
		}
	}

	// ------------------------------------------------------------------ serving peers

	private void serveFetch(Edge from, KeyRequest request) {
		long now = this.clock.millis();
		StorageEntry entry = this.store.findLive(request.key(), now).orElse(null);
		this.stats.served();
		reply(from, EnvelopeKind.STORAGE_FETCH_REPLY, request.correlation(), entry, now);
	}

	private void serveClaim(Edge from, KeyRequest request) {
		boolean held = this.holds.hold(new Hold(from.nodeId(), request.correlation(), request.key()),
				() -> this.store.findLive(request.key(), this.clock.millis()).isPresent());
		this.stats.served();
		send(from, EnvelopeKind.STORAGE_CLAIM_OFFER, StorageMessages.offer(request.correlation(), held));
	}

	/**
	 * The claimer has taken the offer: the value goes to it, still stored here but hidden from other claims and
	 * takes until the claimer acknowledges it (or the mark is lifted).
	 */
	private void onAccept(Edge from, long correlation) {
		long now = this.clock.millis();
		StorageEntry sent = this.holds.send(from.nodeId(), correlation, key -> this.store.findLive(key, now))
			.orElse(null);
		reply(from, EnvelopeKind.STORAGE_CLAIM_DONE, correlation, sent, now);
	}

	/** The claimer has the value: only now is it deleted here. */
	private void onAck(Edge from, long correlation) {
		if (!this.holds.acknowledged(from.nodeId(), correlation, this.removeClaimed)) {
			this.stats.ignoredClaimAck();
			throw new StorageProtocolException("an acknowledgement of no value sent to that peer, correlation "
					+ correlation);
		}
	}

	/** The link to a peer closed: what it claimed and did not acknowledge is claimable again. */
	private void claimerGone(UUID peer) {
		try {
			this.workers.execute(() -> this.holds.releaseAll(peer));
		}
		catch (RejectedExecutionException ex) {
			// the holds' deadlines lift them all the same
			log.debug("Storage of node {} leaves the holds of {} to their deadlines", this.node.name(), peer);
		}
	}

	/** A value sent to a claimer came back without an acknowledgement: it stays here, claimable again. */
	private void restored(Hold hold) {
		this.stats.claimRestored();
		this.warnings.warn("storage claim restored", "Storage of node {} keeps key '{}': its claimer {} did not "
				+ "acknowledge it (the claimer may hold a copy too)", this.node.name(), LogSafe.of(hold.key()),
				hold.claimer());
	}

	private void reply(Edge to, EnvelopeKind kind, long correlation, StorageEntry entry, long now) {
		send(to, kind, StorageMessages.entryReply(correlation, entry, now));
	}

	// ------------------------------------------------------------------ answers to this node

	private void onOffer(Edge from, Offer offer) {
		Pending request = expected(from, offer.correlation(), EnvelopeKind.STORAGE_CLAIM);
		if (request == null) {
			if (offer.held()) {
				send(from, EnvelopeKind.STORAGE_CLAIM_RELEASE, StorageMessages.correlation(offer.correlation()));
			}
			return;
		}
		synchronized (request) {
			if (offer.held() && request.winner == null && !request.future.isDone()) {
				request.winner = from.nodeId();
				send(from, EnvelopeKind.STORAGE_CLAIM_ACCEPT, StorageMessages.correlation(offer.correlation()));
				return;
			}
			if (offer.held()) {
				send(from, EnvelopeKind.STORAGE_CLAIM_RELEASE, StorageMessages.correlation(offer.correlation()));
			}
			answeredNo(offer.correlation(), request, from.nodeId());
		}
	}

	private void onEntryReply(Edge from, EnvelopeKind kind, byte[] payload) {
		long correlation = StorageMessages.peekCorrelation(payload);
		boolean done = kind == EnvelopeKind.STORAGE_CLAIM_DONE;
		Pending request = expected(from, correlation, done ? EnvelopeKind.STORAGE_CLAIM : EnvelopeKind.STORAGE_FETCH);
		if (request == null) {
			if (done) {
				// a claim that ended (timed out) or never was: the holder keeps the value, claimable again at once
				send(from, EnvelopeKind.STORAGE_CLAIM_RELEASE, StorageMessages.correlation(correlation));
			}
			return;
		}
		EntryReply reply = StorageMessages.readEntryReply(payload, request.key, this.settings.maxValueBytes());
		StorageEntry entry = (reply.entry() != null) ? localExpiry(reply) : null;
		synchronized (request) {
			if (done && !from.nodeId().equals(request.winner)) {
				throw new StorageProtocolException("a claim answer from a peer that was not accepted");
			}
			if (entry == null) {
				if (done) {
					this.pending.remove(correlation, request);
					request.future.complete(Optional.empty());
				}
				else {
					answeredNo(correlation, request, from.nodeId());
				}
				return;
			}
			this.pending.remove(correlation, request);
			if (!done) {
				request.future.complete(Optional.of(entry));
				return;
			}
			byte[] answer = StorageMessages.correlation(correlation);
			// the value is this claimer's only once the holder is told so; otherwise the holder keeps it
			if (request.future.isDone() || !send(from, EnvelopeKind.STORAGE_CLAIM_ACK, answer)) {
				log.debug("Storage of node {} gives key '{}' back to {}: its claim ended", this.node.name(),
						LogSafe.of(request.key), from);
				send(from, EnvelopeKind.STORAGE_CLAIM_RELEASE, answer);
				request.future.complete(Optional.empty());
				return;
			}
			request.future.complete(Optional.of(entry));
		}
	}

	private StorageEntry localExpiry(EntryReply reply) {
		long remaining = reply.remainingMillis();
		long expiresAt = 0;
		if (remaining > 0) {
			long now = this.clock.millis();
			expiresAt = (remaining > Long.MAX_VALUE - now) ? Long.MAX_VALUE : now + remaining;
		}
		StorageEntry entry = reply.entry();
		return new StorageEntry(entry.key(), entry.value(), entry.contentType(), expiresAt);
	}

	/** @return the request an answer belongs to, or {@code null} (late, or not asked of this peer: ignored) */
	private Pending expected(Edge from, long correlation, EnvelopeKind kind) {
		Pending request = this.pending.get(correlation);
		if (request == null || request.kind != kind || !request.asked.contains(from.nodeId())) {
			log.debug("Storage of node {} ignores an answer {} from {}", this.node.name(), correlation, from);
			return null;
		}
		return request;
	}

	private void answeredNo(long correlation, Pending request, UUID peer) {
		synchronized (request) {
			request.waitingFor.remove(peer);
			if (request.waitingFor.isEmpty() && request.winner == null) {
				this.pending.remove(correlation, request);
				request.future.complete(Optional.empty());
			}
		}
	}

	private boolean send(Edge to, EnvelopeKind kind, byte[] payload) {
		Envelope envelope = Envelope.control(kind, this.node.id(), this.node.nextMessageId(), payload);
		try {
			this.node.checkFits(envelope);
		}
		catch (IllegalArgumentException ex) {
			this.warnings.warn("storage too large", "Storage of node {} cannot send a {} to {}: {}", this.node.name(),
					kind, to, ex.getMessage());
			return false;
		}
		return to.offer(envelope);
	}

	/** Stops answering; requests still waiting end empty. */
	void close() {
		this.workers.shutdownNow();
		this.pending.values().forEach(request -> request.future.complete(Optional.empty()));
		this.pending.clear();
	}

	/** A fetch or claim this node waits for. Guarded by its own monitor. */
	private static final class Pending {

		final EnvelopeKind kind;

		final String key;

		final Set<UUID> asked;

		final Set<UUID> waitingFor;

		final CompletableFuture<Optional<StorageEntry>> future = new CompletableFuture<>();

		/** The holder whose offer a claim accepted. */
		UUID winner;

		Pending(EnvelopeKind kind, String key, Set<UUID> asked) {
			this.kind = kind;
			this.key = key;
			this.asked = Set.copyOf(asked);
			this.waitingFor = ConcurrentHashMap.newKeySet();
			this.waitingFor.addAll(asked);
		}

	}

}
