package io.chaski.files;

import java.util.Map;
import java.util.UUID;

/**
 * The outcome of {@code pushFile}: per receiving node, whether it stored the file and why not.
 *
 * @param transferId the id of the transfer (the same for every receiver)
 * @param name the file's name
 * @param size its size in bytes
 * @param sha256 its SHA-256, lower-case hex (empty if the file could not be read to its end)
 * @param deliveries one entry per node the file was offered to; empty when no peer takes the topic
 */
public record FileTransferResult(long transferId, String name, long size, String sha256,
		Map<UUID, FileDelivery> deliveries) {

	/** @return whether it was offered to at least one node and every one stored it */
	public boolean allStored() {
		return !this.deliveries.isEmpty() && this.deliveries.values().stream().allMatch(FileDelivery::stored);
	}

}
