package io.chaski.architecture;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.chaski.node.ChaskiNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine (everything under {@code io.chaski} except {@code io.chaski.autoconfigure}) must run without
 * Spring Boot: it may use Spring Framework and Spring Integration, never {@code org.springframework.boot}.
 * Checked twice: in the compiled classes' constant pools (which catches fully qualified uses, annotations and
 * signatures too) and in the sources' text.
 */
class EngineIndependenceTest {

	private static final String BOOT_INTERNAL = "org/springframework/boot";

	private static final Pattern BOOT_IN_SOURCE = Pattern.compile("org\\s*\\.\\s*springframework\\s*\\.\\s*boot\\b");

	@Test
	void noEngineClassReferencesSpringBoot() throws IOException, URISyntaxException {
		Path classes = Paths.get(ChaskiNode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		List<Path> engineClasses = engineFiles(classes.resolve("io/chaski"), ".class");
		assertThat(engineClasses).as("compiled engine classes under " + classes).hasSizeGreaterThan(20);
		List<String> offenders = engineClasses.stream().filter(EngineIndependenceTest::classMentionsBoot)
			.map(path -> classes.relativize(path).toString()).toList();
		assertThat(offenders).as("engine classes that reference org.springframework.boot").isEmpty();
	}

	@Test
	void noEngineSourceMentionsSpringBoot() throws IOException {
		Path sources = Paths.get("src/main/java/io/chaski");
		List<Path> engineSources = engineFiles(sources, ".java");
		assertThat(engineSources).as("engine sources under " + sources.toAbsolutePath()).hasSizeGreaterThan(20);
		List<String> offenders = engineSources.stream().filter(path -> BOOT_IN_SOURCE.matcher(read(path)).find())
			.map(Path::toString).toList();
		assertThat(offenders).as("engine sources that mention org.springframework.boot").isEmpty();
	}

	@Test
	void theCheckWouldCatchAReference() {
		assertThat(mentionsBoot(("\u0001\u0000\u002aLorg/springframework/boot/SpringApplication;")
			.getBytes(StandardCharsets.ISO_8859_1))).isTrue();
		assertThat(BOOT_IN_SOURCE.matcher("import org.springframework.boot.autoconfigure.AutoConfiguration;").find())
			.isTrue();
		assertThat(BOOT_IN_SOURCE.matcher("import org.springframework.integration.ip.IpHeaders;").find()).isFalse();
	}

	private static List<Path> engineFiles(Path root, String suffix) throws IOException {
		Path boot = root.resolve("autoconfigure");
		try (Stream<Path> files = Files.walk(root)) {
			return files.filter(path -> path.toString().endsWith(suffix) && !path.startsWith(boot)).toList();
		}
	}

	private static boolean classMentionsBoot(Path classFile) {
		try {
			return mentionsBoot(Files.readAllBytes(classFile));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Class names in the constant pool are modified UTF-8; ASCII package names appear verbatim. */
	private static boolean mentionsBoot(byte[] classBytes) {
		return new String(classBytes, StandardCharsets.ISO_8859_1).contains(BOOT_INTERNAL);
	}

	private static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
