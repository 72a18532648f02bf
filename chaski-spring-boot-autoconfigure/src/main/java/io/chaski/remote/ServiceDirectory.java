package io.chaski.remote;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services each connected peer offers, as its last SERVICES envelope said. A peer that disconnects is
 * forgotten at once. Waiters ({@link #awaitChange}) are woken on every change.
 */
final class ServiceDirectory {

	private final Map<UUID, Set<String>> offered = new ConcurrentHashMap<>();

	synchronized void update(UUID peer, Set<String> services) {
		this.offered.put(peer, Set.copyOf(services));
		notifyAll();
	}

	synchronized void remove(UUID peer) {
		this.offered.remove(peer);
		notifyAll();
	}

	boolean offers(UUID peer, String service) {
		Set<String> services = this.offered.get(peer);
		return services != null && services.contains(service);
	}

	/** @return a snapshot: peer to the services it offers */
	Map<UUID, Set<String>> snapshot() {
		return Map.copyOf(this.offered);
	}

	/**
	 * Waits for the next change, at most {@code millis}.
	 * @param millis longest wait, more than 0
	 * @throws InterruptedException if interrupted
	 */
	synchronized void awaitChange(long millis) throws InterruptedException {
		wait(millis);
	}

}
