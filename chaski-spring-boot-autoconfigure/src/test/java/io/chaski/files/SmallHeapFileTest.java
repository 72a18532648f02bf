package io.chaski.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file larger than the whole heap of a forked JVM goes from one node to another in that JVM, intact: memory does
 * not grow with the file's size.
 */
class SmallHeapFileTest {

	private static final Pattern RESULT = Pattern.compile("RESULT STORED ([0-9a-f]{64}) MAXHEAP (\\d+)");

	@TempDir
	Path tmp;

	@Test
	void aFileLargerThanTheHeapArrivesIntact() throws Exception {
		long size = 64L * 1024 * 1024;
		Path file = this.tmp.resolve("larger-than-heap.bin");
		write(file, size);
		Path inbox = this.tmp.resolve("inbox");
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process process = new ProcessBuilder(java.toString(), "-Xmx40m", "-cp", System.getProperty("java.class.path"),
				SmallHeapTransfer.class.getName(), file.toString(), inbox.toString())
			.redirectErrorStream(true)
			.redirectOutput(this.tmp.resolve("child.log").toFile())
			.start();
		boolean ended = process.waitFor(5, TimeUnit.MINUTES);
		if (!ended) {
			process.destroyForcibly();
		}
		String output = Files.readString(this.tmp.resolve("child.log"), StandardCharsets.UTF_8);
		assertThat(ended).as(output).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		Matcher result = RESULT.matcher(output);
		assertThat(result.find()).as(output).isTrue();
		assertThat(Long.parseLong(result.group(2))).as("the child's whole heap").isLessThan(size);
		assertThat(result.group(1)).isEqualTo(FileTransferTest.sha256(file));
		assertThat(Files.mismatch(file, inbox.resolve("larger-than-heap.bin"))).isEqualTo(-1);
	}

	private static void write(Path file, long size) throws IOException {
		Random random = new Random(3);
		byte[] block = new byte[1 << 20];
		random.nextBytes(block);
		try (OutputStream out = Files.newOutputStream(file)) {
			for (long left = size; left > 0; left -= block.length) {
				block[0]++;
				out.write(block, 0, (int) Math.min(block.length, left));
			}
		}
	}

}
