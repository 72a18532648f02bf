package io.chaski.autoconfigure;

import java.util.List;

import org.springframework.context.SmartLifecycle;

import io.chaski.annotation.ChaskiListenerRegistry;
import io.chaski.node.ChaskiNode;
import io.chaski.node.SeedConnector;
import io.chaski.streamer.ChaskiStreamer;

/**
 * Starts the node with the application context and then dials the seeds in the background; stops it
 * gracefully (queued messages flushed, peers told goodbye) after the listeners stopped.
 */
public class ChaskiLifecycle implements SmartLifecycle {

	/** Phase of the node: before the listeners start, after they stop. */
	public static final int PHASE = ChaskiListenerRegistry.PHASE - 1;

	private final ChaskiNode node;

	private final ChaskiStreamer streamer;

	private final List<String> seeds;

	private SeedConnector seedConnector;

	/**
	 * @param node the node
	 * @param streamer its streamer; its subscriptions are closed (waking readers) when the node stops
	 * @param seeds addresses to join the mesh through
	 */
	public ChaskiLifecycle(ChaskiNode node, ChaskiStreamer streamer, List<String> seeds) {
		this.node = node;
		this.streamer = streamer;
		this.seeds = List.copyOf(seeds);
	}

	@Override
	public synchronized void start() {
		this.node.start();
		this.seedConnector = new SeedConnector(this.node, this.seeds);
		this.seedConnector.start();
	}

	@Override
	public synchronized void stop() {
		if (this.seedConnector != null) {
			this.seedConnector.close();
			this.seedConnector = null;
		}
		this.streamer.close();
		this.node.stop();
	}

	@Override
	public boolean isRunning() {
		return this.node.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
