package io.chaski.streamer;

/**
 * A snapshot of a streamer's counters.
 *
 * @param published messages this node published
 * @param received messages from other nodes accepted on this node's topics
 * @param duplicates messages dropped because their id was seen before
 * @param relayed copies forwarded to other peers
 * @param rejectedIds messages dropped because their id is one their origin cannot have produced (out of range,
 * or further ahead of its last id than it could have counted: forged or corrupt)
 * @param poolOrigins origin nodes the duplicate filter currently remembers
 * @param backlog messages waiting in subscriptions
 * @param subscriberDrops messages dropped because a subscription was full
 */
public record StreamerStats(long published, long received, long duplicates, long relayed, long rejectedIds,
		long poolOrigins, long backlog, long subscriberDrops) {
}
