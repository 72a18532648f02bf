package io.chaski.storage;

/**
 * Which write a key holds: its hybrid logical clock timestamp and writer. Of two versions of a key the one with
 * the later timestamp wins, the greater writer id (as text) on a tie: the same answer on every node.
 *
 * @param key the key
 * @param hlc the write's timestamp
 * @param origin the writer's node id, as text
 */
record Version(String key, long hlc, String origin) {

	/**
	 * @param other another version of the same key
	 * @return whether this one wins over it
	 */
	boolean newerThan(Version other) {
		return (this.hlc != other.hlc) ? this.hlc > other.hlc : this.origin.compareTo(other.origin) > 0;
	}

}
