package io.chaski.streamer;

import java.time.Instant;
import java.util.UUID;

/**
 * A topic message as a subscriber receives it.
 *
 * @param topic the topic it was published on
 * @param payload the payload, converted to the type the subscriber asked for
 * @param origin id of the node that published it
 * @param id message id, unique per origin
 * @param timestamp when the origin published it (its clock)
 * @param <T> the payload type
 */
public record ChaskiMessage<T>(String topic, T payload, UUID origin, long id, Instant timestamp) {
}
