package io.chaski.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine's load average, printed beside every benchmark figure (the house rule for recorded figures). */
final class LoadAverage {

	private LoadAverage() {
	}

	/** @return the 1, 5 and 15 minute load averages as {@code uptime} shows them, or {@code unknown} off Linux */
	static String now() {
		try {
			return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
		}
		catch (Exception ex) {
			return "unknown";
		}
	}

}
