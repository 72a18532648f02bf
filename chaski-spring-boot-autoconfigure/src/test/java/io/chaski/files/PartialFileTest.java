package io.chaski.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The on-disk state of an interrupted transfer: found again from the offer alone, trusted only when it names
 * exactly the offered file with an offset inside it, and swept once older than the window.
 */
class PartialFileTest {

	static final Duration WINDOW = Duration.ofMinutes(10);

	@TempDir
	Path dir;

	final FileMessages.Start offer = new FileMessages.Start(1, 1000, 1, "a.bin", Map.of());

	@Test
	void aSavedOffsetIsFoundByTheSameOfferFromTheSameNodeName() throws Exception {
		PartialFile partial = PartialFile.of(this.dir, "sender", this.offer);
		Files.write(partial.create(), new byte[600]);
		partial.save(512);
		assertThat(PartialFile.of(this.dir, "sender", this.offer).resumable(WINDOW)).isEqualTo(512);
		// another node name, file name, size or last-modified time is another transfer
		assertThat(PartialFile.of(this.dir, "other", this.offer).resumable(WINDOW)).isZero();
		assertThat(PartialFile.of(this.dir, "sender", new FileMessages.Start(1, 1000, 2, "a.bin", Map.of()))
			.resumable(WINDOW)).isZero();
		assertThat(PartialFile.of(this.dir, "sender", new FileMessages.Start(1, 999, 1, "a.bin", Map.of()))
			.resumable(WINDOW)).isZero();
	}

	@Test
	void laterSavesRewriteTheOffsetInPlaceAndAnotherProcessReadsTheLatest() throws Exception {
		PartialFile partial = PartialFile.of(this.dir, "sender", this.offer);
		Files.write(partial.create(), new byte[900]);
		partial.save(100);
		Path sidecar = sidecarOf(partial.part());
		Object file = Files.readAttributes(sidecar, BasicFileAttributes.class).fileKey();
		partial.save(200);
		partial.save(300);
		assertThat(Files.readAttributes(sidecar, BasicFileAttributes.class).fileKey()).as("the same file, in place")
			.isEqualTo(file);
		assertThat(PartialFile.of(this.dir, "sender", this.offer).resumable(WINDOW)).isEqualTo(300);
		partial.close(); // parked: the next save writes the sidecar whole again
		partial.save(400);
		assertThat(PartialFile.of(this.dir, "sender", this.offer).resumable(WINDOW)).isEqualTo(400);
		partial.deleteSidecar();
		assertThat(sidecar).doesNotExist();
	}

	@Test
	void hostileOrStaleSidecarsCountAsNothing() throws Exception {
		PartialFile partial = PartialFile.of(this.dir, "sender", this.offer);
		Path part = partial.create();
		Files.write(part, new byte[600]);
		Path sidecar = sidecarOf(part);

		partial.save(601); // beyond the partial file
		assertThat(partial.resumable(WINDOW)).isZero();
		partial.save(-1);
		assertThat(partial.resumable(WINDOW)).isZero();
		partial.save(500);
		byte[] good = Files.readAllBytes(sidecar);
		for (int cut = 0; cut < good.length; cut++) { // every truncation
			Files.write(sidecar, Arrays.copyOf(good, cut));
			assertThat(partial.resumable(WINDOW)).as("sidecar cut at %d", cut).isZero();
		}
		Files.write(sidecar, new byte[100_000]); // far too large to be ours
		assertThat(partial.resumable(WINDOW)).isZero();
		Files.write(sidecar, good);
		assertThat(partial.resumable(WINDOW)).isEqualTo(500);
		Files.setLastModifiedTime(sidecar, FileTime.from(Instant.now().minus(WINDOW).minusSeconds(1)));
		assertThat(partial.resumable(WINDOW)).as("older than the window").isZero();
	}

	@Test
	void theSweepDeletesPartialStateOlderThanTheWindowExceptActiveTransfers() throws Exception {
		PartialFile old = PartialFile.of(this.dir, "sender", this.offer);
		Files.write(old.create(), new byte[10]);
		old.save(10);
		PartialFile active = PartialFile.of(this.dir, "sender", new FileMessages.Start(2, 5, 3, "b", Map.of()));
		Files.write(active.create(), new byte[5]);
		active.save(5);
		PartialFile fresh = PartialFile.of(this.dir, "sender", new FileMessages.Start(3, 5, 4, "c", Map.of()));
		Files.write(fresh.create(), new byte[5]);
		fresh.save(5);
		Path received = Files.writeString(this.dir.resolve("received.txt"), "kept");
		FileTime longAgo = FileTime.from(Instant.now().minus(WINDOW).minusSeconds(60));
		for (PartialFile partial : new PartialFile[] { old, active }) {
			Files.setLastModifiedTime(partial.part(), longAgo);
			Files.setLastModifiedTime(sidecarOf(partial.part()), longAgo);
		}
		Files.setLastModifiedTime(received, longAgo);

		assertThat(PartialFile.sweep(this.dir, WINDOW, Set.of(active.key()))).isEqualTo(2);
		assertThat(old.part()).doesNotExist();
		assertThat(sidecarOf(old.part())).doesNotExist();
		assertThat(active.part()).exists();
		assertThat(fresh.part()).exists();
		assertThat(received).exists();
	}

	private static Path sidecarOf(Path part) {
		String name = part.getFileName().toString();
		return part.resolveSibling(name.substring(0, name.length() - PartialFile.PART.length()) + PartialFile.SIDECAR);
	}

}
