package io.chaski.files;

/**
 * What became of a file at one receiving node. The order is the wire code (docs/protocol.md): never reorder.
 */
public enum FileOutcome {

	/** The node checked size and hash and moved the file into its directory. */
	STORED,
	/** The node did not take the file (receiving off, a bad or taken name, too large, busy); nothing was written. */
	REFUSED,
	/** The transfer began but did not end with a stored file (hash mismatch, link lost, timeout, cancel). */
	FAILED

}
