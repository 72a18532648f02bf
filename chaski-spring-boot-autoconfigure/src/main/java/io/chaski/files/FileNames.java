package io.chaski.files;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a file name a peer sent may become a file in the receiving directory. Names are refused, never
 * rewritten, so the sender learns why and nothing lands under an unexpected name: no path separators or drive
 * colons (so no {@code ..}, no absolute paths), no control characters, no leading dot (hidden files, {@code .} and
 * {@code ..}, the receiver's own temporary files), no trailing dot or space, no Windows device names, at most
 * {@value FileMessages#MAX_NAME_BYTES} UTF-8 bytes. The resolved path is checked to sit directly in the directory.
 */
final class FileNames {

	private static final Set<String> DEVICES = Set.of("CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM1", "COM2",
			"COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
			"LPT7", "LPT8", "LPT9");

	private FileNames() {
	}

	/**
	 * @param name a name as a peer sent it
	 * @return why it is refused, or {@code null} if it is a plain file name
	 */
	static String problem(String name) {
		if (name == null || name.isBlank()) {
			return "empty file name";
		}
		if (name.getBytes(StandardCharsets.UTF_8).length > FileMessages.MAX_NAME_BYTES) {
			return "file name longer than " + FileMessages.MAX_NAME_BYTES + " bytes";
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c == '/' || c == '\\' || c == ':') {
				return "file name with a path separator or drive";
			}
			if (Character.isISOControl(c)) {
				return "file name with a control character";
			}
		}
		if (name.startsWith(".")) {
			return "file name starting with a dot";
		}
		if (name.endsWith(".") || name.endsWith(" ")) {
			return "file name ending with a dot or space";
		}
		int dot = name.indexOf('.');
		String stem = ((dot < 0) ? name : name.substring(0, dot)).trim().toUpperCase(Locale.ROOT);
		if (DEVICES.contains(stem)) {
			return "file name that is a device name";
		}
		return null;
	}

	/**
	 * @param directory the receiving directory (absolute, normalised)
	 * @param name a name that {@link #problem} accepted
	 * @return the file's path, directly inside the directory
	 * @throws IllegalArgumentException if the file system still resolves it elsewhere
	 */
	static Path resolve(Path directory, String name) {
		Path target = directory.resolve(name).normalize();
		if (!directory.equals(target.getParent())) {
			throw new IllegalArgumentException("file name outside the directory");
		}
		return target;
	}

}
