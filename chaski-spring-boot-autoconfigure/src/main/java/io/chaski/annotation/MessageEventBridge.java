package io.chaski.annotation;

import java.util.List;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationEventPublisher;

import io.chaski.wire.Envelope;

/**
 * Publishes a {@link ChaskiMessageEvent} for every message delivered on this node, through a listener on every
 * topic (so it has the same bounded buffer, delivery policy and threads off the I/O path as any other listener).
 */
public class MessageEventBridge implements SmartInitializingSingleton {

	/** Id of the bridge's listener in metrics and the actuator endpoint. */
	public static final String LISTENER_ID = "chaski-message-events";

	private final ChaskiListenerRegistry registry;

	private final ApplicationEventPublisher publisher;

	/**
	 * @param registry where the bridge registers its listener
	 * @param publisher where events go
	 */
	public MessageEventBridge(ChaskiListenerRegistry registry, ApplicationEventPublisher publisher) {
		this.registry = registry;
		this.publisher = publisher;
	}

	@Override
	public void afterSingletonsInstantiated() {
		// undecoded envelopes: the event decodes its payload only if an event listener reads it
		this.registry.register(new ListenerContainer(LISTENER_ID, List.of(), Envelope.class, 1,
				message -> this.publisher.publishEvent(
						new ChaskiMessageEvent(this.registry.streamer(), (Envelope) message.payload()))));
	}

}
