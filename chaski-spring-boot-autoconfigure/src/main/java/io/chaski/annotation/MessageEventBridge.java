package io.chaski.annotation;

import java.util.List;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes a {@link ChaskiMessageEvent} for every message delivered on this node, through a listener on every
 * topic (so it has the same bounded buffer and runs off the I/O threads like any other listener).
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
		this.registry.register(new ListenerContainer(LISTENER_ID, List.of(), Object.class, 1,
				message -> this.publisher.publishEvent(new ChaskiMessageEvent(this.registry.streamer(), message))));
	}

}
