package io.chaski.autoconfigure;

import org.springframework.context.SmartLifecycle;

import io.chaski.annotation.ChaskiListenerRegistry;
import io.chaski.node.ChaskiNode;
import io.chaski.streamer.ChaskiStreamer;

/**
 * Starts the node with the application context (its membership, {@link ChaskiMembership}, then joins through the
 * seeds); stops it gracefully (queued messages flushed, peers told goodbye) after the listeners stopped.
 */
public class ChaskiLifecycle implements SmartLifecycle {

	/** Phase of the node: before the listeners start, after they stop. */
	public static final int PHASE = ChaskiListenerRegistry.PHASE - 1;

	private final ChaskiNode node;

	private final ChaskiStreamer streamer;

	/**
	 * @param node the node
	 * @param streamer its streamer; its subscriptions are closed (waking readers) when the node stops
	 */
	public ChaskiLifecycle(ChaskiNode node, ChaskiStreamer streamer) {
		this.node = node;
		this.streamer = streamer;
	}

	@Override
	public synchronized void start() {
		this.node.start();
	}

	@Override
	public synchronized void stop() {
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
