package io.chaski.files;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a node sends and receives files.
 *
 * @param enabled whether this node accepts files at all (off by default: every offer is refused)
 * @param directory where received files go; created when needed
 * @param maxSize largest file accepted, in bytes; larger offers are refused before anything is written
 * @param overwrite whether a received file may replace an existing file of the same name
 * @param chunkSize data bytes per chunk sent (kept below half the maximum frame)
 * @param window bytes a receiver lets a sender have in flight per transfer: memory per transfer is bounded by it
 * @param timeout how long either side waits for the other to make progress before the transfer fails
 * @param maxTransfers most transfers this node receives at once (and most it sends at once); more are refused
 * @param threads threads that read and write files, shared by every transfer
 * @param resumeWindow how long a receiver keeps the partial file of an interrupted transfer so that the same file
 * from the same node resumes where it stopped, even after a restart of either node; zero deletes it at once; at
 * most {@link #MAX_RESUME_WINDOW}
 */
public record FileSettings(boolean enabled, Path directory, long maxSize, boolean overwrite, int chunkSize,
		int window, Duration timeout, int maxTransfers, int threads, Duration resumeWindow) {

	/** Longest resume window: partial files are not meant to be kept for years. */
	public static final Duration MAX_RESUME_WINDOW = Duration.ofDays(365);

	/**
	 * Receiving off, {@code chaski-files} as the directory, 1 GiB maximum, 256 KiB chunks, a 4 MiB window, partial
	 * files kept for an hour.
	 */
	public static final FileSettings DEFAULTS = new FileSettings(false, Path.of("chaski-files"), 1L << 30, false,
			256 * 1024, 4 * 1024 * 1024, Duration.ofSeconds(30), 16, 4, Duration.ofHours(1));

	/** Validates the components; see the record description. */
	public FileSettings {
		Objects.requireNonNull(directory, "directory");
		Objects.requireNonNull(timeout, "timeout");
		Objects.requireNonNull(resumeWindow, "resumeWindow");
		directory = directory.toAbsolutePath().normalize();
		if (maxSize < 0 || chunkSize < 1 || window < chunkSize || timeout.isNegative() || timeout.isZero()
				|| maxTransfers < 1 || threads < 1 || resumeWindow.isNegative()
				|| resumeWindow.compareTo(MAX_RESUME_WINDOW) > 0) {
			throw new IllegalArgumentException("invalid file settings " + maxSize + "/" + chunkSize + "/" + window
					+ "/" + timeout + "/" + maxTransfers + "/" + threads);
		}
	}

	/**
	 * @param value whether to accept files
	 * @param where the receiving directory
	 * @return these settings with receiving turned on or off, into that directory
	 */
	public FileSettings receiving(boolean value, Path where) {
		return new FileSettings(value, where, this.maxSize, this.overwrite, this.chunkSize, this.window, this.timeout,
				this.maxTransfers, this.threads, this.resumeWindow);
	}

}
