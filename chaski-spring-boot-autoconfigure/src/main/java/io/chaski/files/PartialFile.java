package io.chaski.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;

import io.chaski.wire.PayloadReader;

/**
 * What survives of an incoming transfer on disk, so that it can resume after a restart of either node: the
 * partial file and a small sidecar naming what it is part of (origin node name, file name, size, last-modified time
 * at the sender) and how
 * many bytes of it were written. Both have hidden names derived from that key ({@code .chaski-KEY.part},
 * {@code .chaski-KEY.resume}), which a received file can never have (names with a leading dot are refused), so a
 * new process finds them from the offer alone. A sidecar is hostile input too: it is read only if small, must
 * name exactly the offered file, and its offset must lie within the size and the partial file. The sidecar is
 * written whole once (to a temporary name, then renamed); later saves overwrite only its last eight bytes, the
 * offset, in place: a write and a rename cost the disk thread about 250 us on ext4, the in-place write 2 us.
 */
final class PartialFile {

	static final String PREFIX = ".chaski-";

	static final String PART = ".part";

	static final String SIDECAR = ".resume";

	/** A sidecar larger than this is not one of ours. */
	private static final int MAX_SIDECAR_BYTES = 4096;

	private static final int MAGIC = 0x43485052; // "CHPR"

	/** 2: the file is named by its last-modified time, not its hash (which only the end carries now). */
	private static final int VERSION = 2;

	private final String key;

	private final Path part;

	private final Path sidecar;

	private final String origin;

	private final String name;

	private final long size;

	private final long modified;

	/** The sidecar, open for the in-place offset updates after its first save; {@code null} before. */
	private FileChannel sidecarChannel;

	/** Where the offset is in the sidecar. */
	private long offsetPosition;

	private PartialFile(Path directory, String origin, String name, long size, long modified) {
		this.origin = origin;
		this.name = name;
		this.size = size;
		this.modified = modified;
		this.key = key(origin, name, size, modified);
		this.part = directory.resolve(PREFIX + this.key + PART);
		this.sidecar = directory.resolve(PREFIX + this.key + SIDECAR);
	}

	/**
	 * @param directory the receiving directory
	 * @param origin the sending node's name (stable across its restarts, unlike its id)
	 * @param start the offer
	 * @return where that transfer's partial state lives
	 */
	static PartialFile of(Path directory, String origin, FileMessages.Start start) {
		return new PartialFile(directory, origin, start.name(), start.size(), start.modified());
	}

	/** @return what the file names are derived from: the same for the same file from the same node */
	String key() {
		return this.key;
	}

	Path part() {
		return this.part;
	}

	/**
	 * Opens or creates the partial file, readable and writable by this node's user only.
	 * @return the partial file's path, existing
	 */
	Path create() throws IOException {
		Files.createDirectories(this.part.getParent());
		try {
			if (this.part.getFileSystem().supportedFileAttributeViews().contains("posix")) {
				Files.createFile(this.part,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			}
			else {
				Files.createFile(this.part);
			}
		}
		catch (FileAlreadyExistsException ex) {
			// a partial file from before: resumed() tells how much of it counts
		}
		return this.part;
	}

	/**
	 * @param window how long a partial file may be resumed after its sidecar was last written
	 * @return how many bytes of the partial file an earlier transfer of this same file wrote, or 0 when there is
	 * nothing to resume (no sidecar, too old, damaged, or naming another file)
	 */
	long resumable(Duration window) {
		try {
			if (!Files.isRegularFile(this.sidecar) || !Files.isRegularFile(this.part)
					|| Files.size(this.sidecar) > MAX_SIDECAR_BYTES
					|| Files.getLastModifiedTime(this.sidecar).toInstant().isBefore(Instant.now().minus(window))) {
				return 0;
			}
			long offset = readOffset(Files.readAllBytes(this.sidecar));
			return (offset >= 0 && offset <= this.size && offset <= Files.size(this.part)) ? offset : 0;
		}
		catch (IOException | FileProtocolException ex) {
			return 0;
		}
	}

	/**
	 * Records how many bytes were written. The first save writes the sidecar to a temporary name and renames it, so
	 * a crash leaves no torn sidecar; later ones rewrite the offset in place (eight bytes within one block).
	 * @param offset bytes of the partial file written
	 */
	void save(long offset) throws IOException {
		if (this.sidecarChannel != null) {
			ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES).putLong(offset).flip();
			while (bytes.hasRemaining()) {
				this.sidecarChannel.write(bytes, this.offsetPosition + bytes.position());
			}
			return;
		}
		byte[] encoded = encode(offset);
		Path temporary = this.sidecar.resolveSibling(this.sidecar.getFileName() + ".tmp");
		Files.write(temporary, encoded);
		Files.move(temporary, this.sidecar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		this.sidecarChannel = FileChannel.open(this.sidecar, StandardOpenOption.WRITE);
		this.offsetPosition = encoded.length - Long.BYTES;
	}

	/** Closes the sidecar, keeping it for a later resume. */
	void close() throws IOException {
		if (this.sidecarChannel != null) {
			this.sidecarChannel.close();
			this.sidecarChannel = null;
		}
	}

	/** Forgets the sidecar (the file was stored, or the transfer is given up). */
	void deleteSidecar() throws IOException {
		close();
		Files.deleteIfExists(this.sidecar);
	}

	/** Deletes the partial file and its sidecar. */
	void delete() throws IOException {
		Files.deleteIfExists(this.part);
		deleteSidecar();
	}

	/**
	 * Deletes the partial files, sidecars and temporary files of this node's transfers that were last touched
	 * longer ago than the window, except those of transfers under way.
	 * @param directory the receiving directory
	 * @param window how long partial state is kept
	 * @param active keys of transfers under way
	 * @return how many files were deleted
	 */
	static int sweep(Path directory, Duration window, Set<String> active) throws IOException {
		if (!Files.isDirectory(directory)) {
			return 0;
		}
		FileTime oldest = FileTime.from(Instant.now().minus(window));
		int deleted = 0;
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, PREFIX + "*")) {
			for (Path entry : entries) {
				String file = entry.getFileName().toString();
				int dot = file.indexOf('.', PREFIX.length());
				String key = (dot < 0) ? "" : file.substring(PREFIX.length(), dot);
				boolean ours = file.endsWith(PART) || file.endsWith(SIDECAR) || file.endsWith(SIDECAR + ".tmp");
				if (ours && !active.contains(key) && Files.isRegularFile(entry)
						&& Files.getLastModifiedTime(entry).compareTo(oldest) < 0 && Files.deleteIfExists(entry)) {
					deleted++;
				}
			}
		}
		return deleted;
	}

	private byte[] encode(long offset) {
		byte[] originBytes = this.origin.getBytes(StandardCharsets.UTF_8);
		byte[] nameBytes = this.name.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(4 + 1 + 2 + originBytes.length + 2 + nameBytes.length + 8 + 8 + 8)
			.putInt(MAGIC).put((byte) VERSION)
			.putShort((short) originBytes.length).put(originBytes)
			.putShort((short) nameBytes.length).put(nameBytes)
			.putLong(this.size).putLong(this.modified).putLong(offset)
			.array();
	}

	/** @return the offset the sidecar records, or -1 if it describes another file */
	private long readOffset(byte[] bytes) {
		PayloadReader in = new PayloadReader(bytes, reason -> new FileProtocolException("sidecar: " + reason));
		if (in.i32() != MAGIC || in.u8() != VERSION) {
			return -1;
		}
		String savedOrigin = in.utf8(in.u16(), MAX_SIDECAR_BYTES);
		String savedName = in.utf8(in.u16(), MAX_SIDECAR_BYTES);
		long savedSize = in.i64();
		long savedModified = in.i64();
		long offset = in.i64();
		in.end();
		boolean same = savedOrigin.equals(this.origin) && savedName.equals(this.name) && savedSize == this.size
				&& savedModified == this.modified;
		return same ? offset : -1;
	}

	/** A short hash of the key: fixed-length, file-system-safe, and the same in every process. */
	private static String key(String origin, String name, long size, long modified) {
		MessageDigest digest = Digests.sha256();
		digest.update(origin.getBytes(StandardCharsets.UTF_8));
		digest.update((byte) 0);
		digest.update(name.getBytes(StandardCharsets.UTF_8));
		digest.update((byte) 0);
		digest.update(ByteBuffer.allocate(16).putLong(size).putLong(modified).array());
		return HexFormat.of().formatHex(digest.digest(), 0, 16);
	}

}
