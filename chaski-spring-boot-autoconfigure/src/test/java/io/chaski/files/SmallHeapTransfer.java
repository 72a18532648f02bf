package io.chaski.files;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.StreamerSettings;
import io.chaski.wire.DefaultPayloadCodec;

/**
 * Run in a forked JVM with a small heap by {@link SmallHeapFileTest}: sends a file between two nodes of this JVM
 * and prints the outcome and the heap limit. Arguments: the file, the receiving directory.
 */
public final class SmallHeapTransfer {

	private SmallHeapTransfer() {
	}

	public static void main(String[] args) throws Exception {
		FileSettings settings = FileSettings.DEFAULTS.receiving(true, Path.of(args[1]));
		try (ChaskiNode a = ChaskiNode.builder().name("small-sender").build().start();
				ChaskiNode b = ChaskiNode.builder().name("small-receiver").subscriptions("files").build().start();
				ChaskiStreamer sender = new ChaskiStreamer(a, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(),
						FileSettings.DEFAULTS);
				ChaskiStreamer receiver = new ChaskiStreamer(b, StreamerSettings.DEFAULTS, new DefaultPayloadCodec(),
						settings)) {
			a.connect(b.address().hostAndPort()).get(30, TimeUnit.SECONDS);
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (a.peers().isEmpty() || !a.peers().get(0).subscriptions().contains("files")) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("the receiver's topic never arrived");
				}
				Thread.onSpinWait();
			}
			FileTransferResult result = sender.pushFile("files", Path.of(args[0])).get(5, TimeUnit.MINUTES);
			System.out.println("RESULT " + (result.allStored() ? "STORED" : result) + " " + result.sha256()
					+ " MAXHEAP " + Runtime.getRuntime().maxMemory());
		}
	}

}
