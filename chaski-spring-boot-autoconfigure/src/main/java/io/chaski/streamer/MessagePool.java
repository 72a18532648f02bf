package io.chaski.streamer;

import java.time.Duration;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The ids of messages seen recently, bounded in size and age, so that a message that arrives over two paths
 * is delivered and relayed once.
 */
final class MessagePool {

	private final Cache<MessageKey, Boolean> seen;

	MessagePool(int maximumSize, Duration ttl) {
		this.seen = Caffeine.newBuilder().maximumSize(maximumSize).expireAfterWrite(ttl).build();
	}

	/**
	 * @param origin the publishing node
	 * @param id the message id
	 * @return {@code true} the first time this id is seen (within the pool's bounds)
	 */
	boolean firstSight(UUID origin, long id) {
		return this.seen.asMap().putIfAbsent(new MessageKey(origin, id), Boolean.TRUE) == null;
	}

	/** @return ids currently remembered (approximate) */
	long size() {
		return this.seen.estimatedSize();
	}

	private record MessageKey(UUID origin, long id) {
	}

}
