package io.chaski.node;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The topics a node published to lately without subscribing to them, so that pairing links it to their
 * subscribers. Marking is cheap (no clock read, one volatile write at most), as it runs on every publish; the
 * membership round sweeps the marks and forgets a topic not published to for the idle window. Bounded: topics
 * beyond {@link #MAX_TOPICS} are not remembered (their publishes still find a link when they need one).
 */
final class PublishedTopics {

	static final int MAX_TOPICS = 1024;

	private final Map<String, Mark> marks = new ConcurrentHashMap<>();

	/**
	 * The mark of the topic published to last: a publisher that keeps to one topic skips the map (its look-up
	 * was a quarter of a publishing thread's samples).
	 */
	private volatile Mark last;

	/** @param topic a topic this node just published to */
	void mark(String topic) {
		Mark mark = this.last;
		if (mark == null || mark.forgotten || !mark.topic.equals(topic)) {
			mark = this.marks.get(topic);
			if (mark == null) {
				if (this.marks.size() < MAX_TOPICS) {
					this.marks.putIfAbsent(topic, new Mark(topic));
				}
				return;
			}
			this.last = mark;
		}
		if (!mark.used) {
			mark.used = true;
		}
	}

	/**
	 * Forgets the topics not published to for {@code windowNanos}.
	 * @param now the time of the sweep ({@link System#nanoTime()})
	 * @param windowNanos how long a topic is kept after its last publish; 0 keeps every topic
	 * @return the topics still published to
	 */
	Set<String> sweep(long now, long windowNanos) {
		this.marks.entrySet().removeIf(entry -> {
			Mark mark = entry.getValue();
			if (mark.used) {
				mark.used = false;
				mark.sinceNanos = now;
				return false;
			}
			mark.forgotten = windowNanos > 0 && now - mark.sinceNanos > windowNanos;
			return mark.forgotten;
		});
		return Set.copyOf(this.marks.keySet());
	}

	/** A topic's last use: set by publishers, cleared and timed by the sweep. */
	private static final class Mark {

		final String topic;

		volatile boolean used = true;

		/** Swept out of the map: a publisher holding it as {@link #last} goes back to the map. */
		volatile boolean forgotten;

		/** When the sweep last saw the topic used (a new mark is used, so the first sweep sets it). */
		long sinceNanos;

		Mark(String topic) {
			this.topic = topic;
		}

	}

}
