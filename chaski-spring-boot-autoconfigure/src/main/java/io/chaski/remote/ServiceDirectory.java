package io.chaski.remote;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.chaski.membership.Member;
import io.chaski.membership.MemberEvent;
import io.chaski.membership.MemberMetadata;

/**
 * Who offers which service, from two sources: membership (alive members whose metadata lists services, linked
 * or not) and SERVICES envelopes from linked peers (which also serve peers that run without membership). A
 * member that membership declares dead or left is dropped from both at once; a peer that disconnects loses what
 * its envelope said. Membership wins: a SERVICES envelope from a member it declared dead or left (one still
 * linked, or sent before the news) is ignored until membership says the member is alive again. Waiters
 * ({@link #awaitChange}) are woken on every change.
 */
final class ServiceDirectory {

	/** What SERVICES envelopes said, by linked peer. */
	private final Map<UUID, Provider> announced = new ConcurrentHashMap<>();

	/** What membership metadata says, by alive member. */
	private final Map<UUID, Provider> advertised = new ConcurrentHashMap<>();

	/** Most members remembered as gone; beyond it the longest gone is forgotten. */
	static final int MAX_GONE = 4096;

	/** Members membership declared dead or left and not alive since, oldest first; only under this lock. */
	private final Set<UUID> gone = Collections.newSetFromMap(new LinkedHashMap<>() {

		@Override
		protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
			return size() > MAX_GONE;
		}

	});

	/**
	 * A node that offers services.
	 * @param id its node id
	 * @param name its name
	 * @param host host its node accepts TCP connections on
	 * @param port that port
	 * @param services the services it offers
	 */
	record Provider(UUID id, String name, String host, int port, Set<String> services) {
	}

	synchronized void update(UUID peer, String name, String host, int port, Set<String> services) {
		if (this.gone.contains(peer)) {
			return;
		}
		this.announced.put(peer, new Provider(peer, name, host, port, Set.copyOf(services)));
		notifyAll();
	}

	synchronized void remove(UUID peer) {
		this.announced.remove(peer);
		notifyAll();
	}

	/** @param event a membership change: alive members are (re)read, dead and left ones dropped at once */
	synchronized void memberChanged(MemberEvent event) {
		Member member = event.member();
		switch (event.type()) {
			case JOINED, ALIVE_AGAIN, UPDATED -> {
				this.gone.remove(member.id());
				MemberMetadata metadata = member.metadata();
				if (metadata.services().isEmpty() || metadata.tcpPort() == 0) {
					this.advertised.remove(member.id());
				}
				else {
					this.advertised.put(member.id(), new Provider(member.id(), member.name(), metadata.tcpHost(),
							metadata.tcpPort(), Set.copyOf(metadata.services())));
				}
			}
			case DEAD, LEFT -> {
				this.advertised.remove(member.id());
				this.announced.remove(member.id());
				this.gone.add(member.id());
			}
			case SUSPECT -> {
				// it may refute: still a provider
			}
		}
		notifyAll();
	}

	boolean offers(UUID peer, String service) {
		return offers(this.announced.get(peer), service) || offers(this.advertised.get(peer), service);
	}

	/** @return every node known to offer the service, linked or not */
	List<Provider> providers(String service) {
		List<Provider> found = new ArrayList<>();
		this.advertised.values().stream().filter(provider -> offers(provider, service)).forEach(found::add);
		this.announced.values().stream()
			.filter(provider -> offers(provider, service) && !this.advertised.containsKey(provider.id()))
			.forEach(found::add);
		return found;
	}

	/** @return a snapshot: provider name to the services it offers, from both sources */
	Map<String, Set<String>> byName() {
		Map<String, Set<String>> byName = new TreeMap<>();
		for (Map<UUID, Provider> source : List.of(this.advertised, this.announced)) {
			source.values().forEach(provider -> byName.computeIfAbsent(provider.name(), name -> new TreeSet<>())
				.addAll(provider.services()));
		}
		return byName;
	}

	/**
	 * Waits for the next change, at most {@code millis}.
	 * @param millis longest wait, more than 0
	 * @throws InterruptedException if interrupted
	 */
	synchronized void awaitChange(long millis) throws InterruptedException {
		wait(millis);
	}

	private static boolean offers(Provider provider, String service) {
		return provider != null && provider.services().contains(service);
	}

}
