package io.chaski.annotation;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

import io.chaski.wire.Envelope;

/**
 * Publishes a {@link ChaskiMessageEvent} for every message delivered on this node, through a listener on every
 * topic (so it has the same bounded buffer, delivery policy and threads off the I/O path as any other listener),
 * as long as the application has a listener for those events when it starts. Without one the bridge registers
 * nothing: no buffer, no thread and no lossless back-pressure from events nobody would receive (a third of the
 * CPU per message in the Boot benchmark, docs/performance.md).
 */
public class MessageEventBridge implements SmartLifecycle {

	/** Id of the bridge's listener in metrics and the actuator endpoint. */
	public static final String LISTENER_ID = "chaski-message-events";

	private static final Logger log = LoggerFactory.getLogger(MessageEventBridge.class);

	private final ChaskiListenerRegistry registry;

	private final ApplicationContext context;

	private volatile boolean decided;

	/**
	 * @param registry where the bridge registers its listener
	 * @param context where events go, and whose listeners decide whether they are published
	 */
	public MessageEventBridge(ChaskiListenerRegistry registry, ApplicationContext context) {
		this.registry = registry;
		this.context = context;
	}

	/** @return whether events are published (decided when the application starts) */
	public boolean isPublishing() {
		return this.registry.containers().stream().anyMatch(container -> container.id().equals(LISTENER_ID));
	}

	/**
	 * Decides once, after every bean exists (so every {@code @EventListener} is known) and before the node
	 * starts (so no message is missed).
	 */
	@Override
	public synchronized void start() {
		if (this.decided) {
			return;
		}
		this.decided = true;
		if (!MessageEventListeners.present(this.context)) {
			log.debug("No listener for ChaskiMessageEvent: message events are not published");
			return;
		}
		// undecoded envelopes: the event decodes its payload only if an event listener reads it
		this.registry.register(new ListenerContainer(LISTENER_ID, List.of(), Envelope.class, 1,
				message -> this.context.publishEvent(
						new ChaskiMessageEvent(this.registry.streamer(), (Envelope) message.payload()))));
	}

	/** The registry stops the bridge's listener with the others. */
	@Override
	public void stop() {
	}

	@Override
	public boolean isRunning() {
		return this.decided;
	}

	/** Before the node's lifecycle ({@code ChaskiListenerRegistry.PHASE - 1}) starts it. */
	@Override
	public int getPhase() {
		return ChaskiListenerRegistry.PHASE - 2;
	}

}
