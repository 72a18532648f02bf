package io.chaski.remote;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The calls a caller waits for, by the id of their current attempt: a slot per id modulo a power of two, and a
 * map for the rare id whose slot another call still holds (one that waits while thousands of later calls come and
 * go). Ids are a node's running sequence, so calls in flight together rarely share a slot. Cheaper than a
 * {@code ConcurrentHashMap} of boxed ids, whose lookups, counter and allocations were a tenth of the CPU of the
 * caller's threads with pipelined calls.
 */
final class PendingCalls {

	/** Most slots: 16 384 references, whatever the pending-call limit. */
	private static final int MAX_SLOTS = 1 << 14;

	private final AtomicReferenceArray<PendingCall> slots;

	private final int mask;

	private final Map<Long, PendingCall> overflow = new ConcurrentHashMap<>();

	private final AtomicInteger size = new AtomicInteger();

	/** @param limit the most calls that may wait at once: the slots are sized for it, up to a bound */
	PendingCalls(int limit) {
		int wanted = Math.max(16, Math.min(limit, MAX_SLOTS));
		this.slots = new AtomicReferenceArray<>(Integer.highestOneBit(wanted - 1) << 1);
		this.mask = this.slots.length() - 1;
	}

	int size() {
		return this.size.get();
	}

	/** @param call a call whose {@link PendingCall#id} is its current attempt's, not waiting yet */
	void add(PendingCall call) {
		this.size.incrementAndGet();
		long id = call.id;
		if (!this.slots.compareAndSet(slot(id), null, call)) {
			this.overflow.put(id, call);
		}
	}

	/** @return the call whose current attempt has this id, or {@code null} */
	PendingCall get(long id) {
		PendingCall call = this.slots.get(slot(id));
		if (call != null && call.id == id) {
			return call;
		}
		return this.overflow.isEmpty() ? null : this.overflow.get(id);
	}

	/**
	 * @param id the id the call was added under
	 * @param call the call
	 * @return whether it was waiting (only one of competing removals wins)
	 */
	boolean remove(long id, PendingCall call) {
		int slot = slot(id);
		boolean removed = (this.slots.get(slot) == call) ? this.slots.compareAndSet(slot, call, null)
				: this.overflow.remove(id, call);
		if (removed) {
			this.size.decrementAndGet();
		}
		return removed;
	}

	/** @param action told about each waiting call (weakly consistent: calls may come and go meanwhile) */
	void forEach(Consumer<PendingCall> action) {
		if (this.size.get() == 0) {
			return; // a sweep may still come after the last call finished
		}
		for (int i = 0; i < this.slots.length(); i++) {
			PendingCall call = this.slots.get(i);
			if (call != null) {
				action.accept(call);
			}
		}
		this.overflow.values().forEach(action);
	}

	private int slot(long id) {
		return (int) id & this.mask;
	}

}
