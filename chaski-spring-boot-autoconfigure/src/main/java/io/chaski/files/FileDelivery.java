package io.chaski.files;

import java.util.UUID;

/**
 * What one receiving node did with a pushed file.
 *
 * @param nodeId the receiving node
 * @param nodeName its name
 * @param outcome stored, refused or failed
 * @param reason why it was refused or failed; empty when stored
 */
public record FileDelivery(UUID nodeId, String nodeName, FileOutcome outcome, String reason) {

	/** @return whether the node stored the file */
	public boolean stored() {
		return this.outcome == FileOutcome.STORED;
	}

}
