package io.chaski.files;

import java.time.Instant;
import java.util.UUID;

/**
 * A transfer in progress, for the actuator endpoint.
 *
 * @param id the transfer id
 * @param direction {@code out} (this node sends) or {@code in}
 * @param peer the other node's id
 * @param name the file's name
 * @param size its size in bytes
 * @param transferred bytes sent (out) or written (in) so far
 * @param bytesPerSecond mean rate since the start
 * @param started when it started
 */
public record TransferInfo(long id, String direction, UUID peer, String name, long size, long transferred,
		long bytesPerSecond, Instant started) {
}
