package io.chaski.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metadata the configuration processor generates (IDE completion) describes every {@code chaski.*} property
 * with its default, and the properties table of docs/getting-started.md lists each of them with the same default.
 */
class ConfigurationMetadataTests {

	/** Properties whose default is computed at startup (or that have none): their descriptions say so. */
	private static final Set<String> NO_STATIC_DEFAULT = Set.of("chaski.node.name", "chaski.node.advertised-host", "chaski.security.cluster-secret",
			"chaski.bindings", "chaski.storage.path");

	private static final Pattern TABLE_ROW = Pattern
		.compile("(?m)^\\| `((?:chaski|management)\\.[a-z.<>-]+)` \\|([^|]*)\\|");

	private static final Pattern FIRST_CODE = Pattern.compile("`([^`]*)`");

	@Test
	void everyChaskiPropertyHasADescriptionAndADefault() throws IOException {
		Map<String, JsonNode> properties = chaskiProperties();
		assertThat(properties).hasSizeGreaterThan(25);
		properties.forEach((name, property) -> {
			assertThat(property.path("description").asString("")).as("description of " + name).isNotBlank();
			if (!NO_STATIC_DEFAULT.contains(name)) {
				assertThat(property.has("defaultValue")).as("default of " + name).isTrue();
			}
		});
	}

	@Test
	void theGettingStartedTableListsEveryPropertyWithItsDefault() throws IOException {
		Map<String, String> table = new LinkedHashMap<>();
		Matcher row = TABLE_ROW.matcher(Files.readString(Path.of("../docs/getting-started.md")));
		while (row.find()) {
			table.put(row.group(1), row.group(2).trim());
		}
		chaskiProperties().forEach((name, property) -> {
			String documented = name.equals("chaski.bindings") ? table.get("chaski.bindings.<bean>.topics")
					: table.get(name);
			assertThat(documented).as("row of " + name + " in docs/getting-started.md").isNotNull();
			if (property.has("defaultValue")) {
				assertThat(documentedDefault(documented)).as("default of " + name + " in docs/getting-started.md")
					.isEqualTo(expectedDefault(property.get("defaultValue")));
			}
		});
	}

	private static String documentedDefault(String cell) {
		Matcher code = FIRST_CODE.matcher(cell);
		return code.find() ? code.group(1) : cell;
	}

	private static String expectedDefault(JsonNode value) {
		return (value.isArray() && value.isEmpty()) ? "none" : value.asString();
	}

	private static Map<String, JsonNode> chaskiProperties() throws IOException {
		try (InputStream metadata = ConfigurationMetadataTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(metadata).as("generated metadata").isNotNull();
			Map<String, JsonNode> properties = new LinkedHashMap<>();
			List<JsonNode> all = JsonMapper.builder().build().readTree(metadata).get("properties").valueStream().toList();
			all.stream()
				.filter(property -> property.get("name").asString().startsWith("chaski.")
						|| property.get("name").asString().equals("management.health.chaski.enabled"))
				.forEach(property -> properties.put(property.get("name").asString(), property));
			return properties;
		}
	}

}
