package io.chaski.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.chaski.membership.MembershipSettings;
import io.chaski.node.ChaskiNode;
import io.chaski.node.MemberLinks;
import io.chaski.node.NodeListener;
import io.chaski.node.OverflowPolicy;
import io.chaski.node.PeerInfo;
import io.chaski.streamer.ChaskiStreamer;
import io.chaski.streamer.ChaskiSubscription;

/**
 * A node with membership (LAN defaults) in a JVM of its own, to be killed with SIGKILL by a test or benchmark.
 * Arguments: {@code name topic [seed host:port]}. It prints protocol lines prefixed {@value #PREFIX} on
 * stdout: {@code ready <id> <host:port>}, then {@code event <TYPE> <member id>} for every member event and
 * {@code peer <id>} for every TCP link made. Commands
 * on stdin: {@code unlink} closes every TCP link on purpose (membership then knows it over UDP only; prints
 * {@code unlinked}), {@code load} publishes to its topic without pause (lossless, back-pressured) while
 * draining its own subscription, {@code count} prints {@code received <messages>}.
 */
public final class MemberProcess {

	/** Marks the lines meant for the parent (the rest is logging). */
	public static final String PREFIX = "@@ ";

	private MemberProcess() {
	}

	/**
	 * @param java the java executable's path
	 * @param name node name
	 * @param topic its only subscription
	 * @param seed {@code host:port} of a seed, or {@code null}
	 * @return a builder for the process, its stderr merged into stdout
	 */
	public static ProcessBuilder command(String java, String name, String topic, String seed) {
		List<String> command = new ArrayList<>(List.of(java, "-Xmx96m", "-XX:+UseSerialGC", "-cp",
				System.getProperty("java.class.path"), MemberProcess.class.getName(), name, topic));
		if (seed != null) {
			command.add(seed);
		}
		return new ProcessBuilder(command).redirectErrorStream(true);
	}

	public static void main(String[] args) throws Exception {
		String topic = args[1];
		ChaskiNode node = ChaskiNode.builder()
			.name(args[0])
			.bindHost("127.0.0.1")
			.subscriptions(topic)
			.overflowPolicy(OverflowPolicy.WAIT)
			.sendTimeout(Duration.ofMinutes(5))
			.build()
			.start();
		node.addListener(new NodeListener() {

			@Override
			public void peerConnected(PeerInfo peer) {
				say("peer " + peer.nodeId());
			}

		});
		ChaskiStreamer streamer = new ChaskiStreamer(node);
		ChaskiSubscription<byte[]> subscription = streamer.subscribe(topic, byte[].class);
		MemberLinks links = MemberLinks.start(node, MembershipSettings.lan(), 0,
				(args.length > 2) ? List.of(args[2]) : List.of(),
				event -> say("event " + event.type() + " " + event.member().id()));
		say("ready " + node.id() + " " + node.address().hostAndPort());
		AtomicLong received = new AtomicLong();
		Thread drain = new Thread(() -> {
			try {
				while (true) {
					if (subscription.poll(Duration.ofSeconds(1)) != null) {
						received.incrementAndGet();
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "drain");
		drain.setDaemon(true);
		drain.start();
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		for (String command = commands.readLine(); command != null; command = commands.readLine()) {
			if (command.equals("unlink")) {
				node.peers().stream().map(PeerInfo::nodeId).forEach(node::disconnect);
				say("unlinked");
			}
			else if (command.equals("count")) {
				say("received " + received.get());
			}
			else if (command.equals("load")) {
				Thread load = new Thread(() -> {
					byte[] payload = new byte[100];
					while (true) {
						try {
							streamer.publish(topic, payload);
						}
						catch (RuntimeException ex) {
							say("publish failed " + ex);
						}
					}
				}, "load");
				load.setDaemon(true);
				load.start();
			}
		}
		// the parent closed stdin: it is gone
		links.close();
		node.close();
	}

	private static synchronized void say(String line) {
		System.out.println(PREFIX + line);
		System.out.flush();
	}

}
