package io.chaski.storage;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The claim-pending marks of a holder: a key held for one claimer is hidden from every other claim and take
 * until the claimer acknowledges that it has the value (then the row is deleted), or the mark is lifted (the
 * claimer released it, its link closed, or its deadline passed) and the row is claimable again. At most
 * {@code capacity} keys are held at once. One monitor orders marks, local takes and the delete on the
 * acknowledgement, so a row is never handed to two takers.
 */
final class ClaimHolds {

	/** A key held for one claim, named by the claimer's id and its correlation id. */
	record Hold(UUID claimer, long correlation, String key) {
	}

	private final int capacity;

	private final long deadlineMillis;

	private final ScheduledExecutorService timer;

	private final Consumer<Hold> restored;

	/** Guarded by {@code this}. */
	private final Map<String, Marked> byKey = new HashMap<>();

	/** Guarded by {@code this}. */
	private final Map<Claim, Marked> byClaim = new HashMap<>();

	/**
	 * @param capacity most keys held at once
	 * @param deadlineMillis how long a mark lasts without news from its claimer (the offer, then the value)
	 * @param timer runs the deadlines
	 * @param restored told (under the monitor) when a mark whose value had been sent is lifted without an
	 * acknowledgement: released, link closed or deadline passed; the value is claimable again
	 */
	ClaimHolds(int capacity, long deadlineMillis, ScheduledExecutorService timer, Consumer<Hold> restored) {
		this.capacity = capacity;
		this.deadlineMillis = deadlineMillis;
		this.timer = timer;
		this.restored = restored;
	}

	/**
	 * Holds a key for a claimer if it is free and the table has room.
	 * @param hold the key and its claimer
	 * @param present whether the row is there to be held (asked under the monitor, so no take runs meanwhile)
	 * @return whether the key is now held for this claim
	 */
	synchronized boolean hold(Hold hold, BooleanSupplier present) {
		Claim claim = new Claim(hold.claimer(), hold.correlation());
		if (this.byKey.size() >= this.capacity || this.byKey.containsKey(hold.key())
				|| this.byClaim.containsKey(claim) || !present.getAsBoolean()) {
			return false;
		}
		Marked marked = new Marked(hold);
		this.byKey.put(hold.key(), marked);
		this.byClaim.put(claim, marked);
		schedule(marked);
		return true;
	}

	/**
	 * The claimer took the offer: the value goes to it now, and the mark waits for the acknowledgement.
	 * @param claimer the peer that sent the accept
	 * @param correlation its correlation id
	 * @param read reads the held key's row to send (under the monitor); empty if it went meanwhile
	 * @return the row sent, or empty when no offered hold matches (the mark is lifted if the row went)
	 */
	synchronized Optional<StorageEntry> send(UUID claimer, long correlation,
			Function<String, Optional<StorageEntry>> read) {
		Marked marked = this.byClaim.get(new Claim(claimer, correlation));
		if (marked == null || marked.sent != null) {
			return Optional.empty();
		}
		Optional<StorageEntry> row = read.apply(marked.hold.key());
		if (row.isEmpty()) {
			lift(marked);
			return row;
		}
		marked.sent = row.get();
		marked.deadline.cancel(false);
		schedule(marked);
		return row;
	}

	/**
	 * The claimer has the value: the row sent goes, then the mark.
	 * @param claimer the peer that sent the acknowledgement
	 * @param correlation its correlation id
	 * @param remove deletes the row sent if it is still the same version (under the monitor)
	 * @return whether a sent hold of that claimer matched (otherwise the acknowledgement is to be ignored)
	 */
	synchronized boolean acknowledged(UUID claimer, long correlation, Consumer<StorageEntry> remove) {
		Marked marked = this.byClaim.get(new Claim(claimer, correlation));
		if (marked == null || marked.sent == null) {
			return false;
		}
		remove.accept(marked.sent);
		lift(marked);
		return true;
	}

	/**
	 * The claimer does not want the key (another holder won, or the value came after its timeout).
	 * @param claimer the peer that sent the release
	 * @param correlation its correlation id
	 */
	synchronized void release(UUID claimer, long correlation) {
		Marked marked = this.byClaim.get(new Claim(claimer, correlation));
		if (marked != null) {
			restore(marked);
		}
	}

	/**
	 * The link to a claimer closed: its acknowledgements can no longer come.
	 * @param claimer the peer
	 */
	synchronized void releaseAll(UUID claimer) {
		this.byClaim.values().stream().filter(marked -> marked.hold.claimer().equals(claimer)).toList()
			.forEach(this::restore);
	}

	/**
	 * Runs a local take unless the key is held for a claimer.
	 * @param key the key
	 * @param take the take
	 * @return what the take returned, empty when the key is held
	 */
	synchronized Optional<StorageEntry> unlessHeld(String key, Supplier<Optional<StorageEntry>> take) {
		return this.byKey.containsKey(key) ? Optional.empty() : take.get();
	}

	/** @return keys held now */
	synchronized int size() {
		return this.byKey.size();
	}

	private void schedule(Marked marked) {
		marked.deadline = this.timer.schedule(() -> expire(marked), this.deadlineMillis, TimeUnit.MILLISECONDS);
	}

	private synchronized void expire(Marked marked) {
		if (this.byClaim.get(marked.claim()) == marked) {
			restore(marked);
		}
	}

	/** Lifts a mark without an acknowledgement: a value that was sent is claimable again. */
	private void restore(Marked marked) {
		lift(marked);
		if (marked.sent != null) {
			this.restored.accept(marked.hold);
		}
	}

	private void lift(Marked marked) {
		this.byKey.remove(marked.hold.key(), marked);
		this.byClaim.remove(marked.claim(), marked);
		if (marked.deadline != null) {
			marked.deadline.cancel(false);
		}
	}

	private record Claim(UUID claimer, long correlation) {
	}

	/** A hold and its state. Guarded by the table's monitor. */
	private static final class Marked {

		final Hold hold;

		/** The row sent to the claimer, {@code null} while only offered. */
		StorageEntry sent;

		ScheduledFuture<?> deadline;

		Marked(Hold hold) {
			this.hold = hold;
		}

		Claim claim() {
			return new Claim(this.hold.claimer(), this.hold.correlation());
		}

	}

}
