package io.chaski.files;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * A file this node received, checked (size and SHA-256) and moved into its directory.
 *
 * @param path where it is now
 * @param name its name as the sender gave it (the file name of {@code path})
 * @param size its size in bytes
 * @param sha256 its SHA-256, lower-case hex
 * @param metadata what the sender attached
 * @param origin the sending node's id
 * @param topic the topic it was pushed to
 */
public record ReceivedFile(Path path, String name, long size, String sha256, Map<String, String> metadata,
		UUID origin, String topic) {
}
