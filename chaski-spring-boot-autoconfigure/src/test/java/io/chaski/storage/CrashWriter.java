package io.chaski.storage;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import io.chaski.node.ChaskiNode;
import io.chaski.wire.DefaultPayloadCodec;

/**
 * Run in a separate JVM by {@link StorageCrashTest}: puts keys without end and prints {@code acked n} on its own
 * line after each put returned, until the test kills it.
 */
public final class CrashWriter {

	private CrashWriter() {
	}

	/** @param args the storage file */
	public static void main(String[] args) {
		ChaskiNode node = ChaskiNode.builder().name("crash").build();
		ChaskiStorage storage = ChaskiStorage.open(node, StorageSettings.of(Path.of(args[0])),
				new DefaultPayloadCodec(), Clock.systemUTC());
		for (int i = 0;; i++) {
			storage.put("key-" + i, "value-" + i, Duration.ZERO);
			System.out.println("acked " + i);
			System.out.flush();
		}
	}

}
