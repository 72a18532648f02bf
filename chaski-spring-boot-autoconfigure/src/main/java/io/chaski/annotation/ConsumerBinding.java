package io.chaski.annotation;

import java.util.List;

/**
 * Binds a {@code Consumer} bean to topics, the functional alternative to {@link ChaskiListener}.
 *
 * @param beanName the name of a {@code Consumer<ChaskiMessage<T>>} or {@code Consumer<T>} bean
 * @param topics the topics it receives
 * @param concurrency threads per topic, or {@code null} for the registry's default
 */
public record ConsumerBinding(String beanName, List<String> topics, Integer concurrency) {

	/** Validates the components; see the record description. */
	public ConsumerBinding {
		topics = List.copyOf(topics);
	}

}
