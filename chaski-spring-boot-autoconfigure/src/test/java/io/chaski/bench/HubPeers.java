package io.chaski.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.chaski.testing.RawPeer;
import io.chaski.wire.Envelope;
import io.chaski.wire.EnvelopeKind;

/**
 * The peers of {@link HubBenchmark}, in a JVM of their own: {@code RawPeer} sockets that handshake with the hub
 * on one topic, then each read on a thread until every message arrived, answering the hub's pings. Arguments:
 * {@code host port peers topic messages}; prints {@code READY} once every peer is connected and {@code DONE}
 * once every peer has every message.
 */
public final class HubPeers {

	private HubPeers() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[1]);
		int count = Integer.parseInt(args[2]);
		String topic = args[3];
		int messages = Integer.parseInt(args[4]);
		CountDownLatch done = new CountDownLatch(count);
		for (int i = 0; i < count; i++) {
			RawPeer peer = RawPeer.connect(args[0], port);
			peer.handshake("peer-" + i, List.of(topic));
			// reading at once: the hub's keep-alive pings must be answered while the other peers connect
			Thread reader = new Thread(() -> read(peer, messages, done), "peer-reader");
			reader.setDaemon(true);
			reader.start();
		}
		System.out.println("READY peers=" + count);
		boolean complete = done.await(10, TimeUnit.MINUTES);
		System.out.printf(Locale.ROOT, "DONE complete=%s peersWithEverything=%d%n", complete, count - done.getCount());
		System.exit(0);
	}

	private static void read(RawPeer peer, int messages, CountDownLatch done) {
		int received = 0;
		while (received < messages) {
			Envelope envelope = peer.next(Duration.ofMinutes(5));
			if (envelope == null) {
				return;
			}
			if (envelope.kind() == EnvelopeKind.PUBLISH) {
				received++;
			}
			else if (envelope.kind() == EnvelopeKind.PING) {
				peer.send(new Envelope(EnvelopeKind.PONG, peer.id(), envelope.id(), 1, envelope.timestamp(), "",
						Map.of(), envelope.payload()));
			}
		}
		done.countDown();
	}

}
