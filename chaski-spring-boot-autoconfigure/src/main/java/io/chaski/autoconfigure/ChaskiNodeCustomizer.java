package io.chaski.autoconfigure;

import io.chaski.node.ChaskiNode;

/**
 * Adjusts the auto-configured node in code, after the {@code chaski.*} properties were applied to its builder.
 * Declare one or more as beans; they run in {@link org.springframework.core.Ordered} order.
 */
@FunctionalInterface
public interface ChaskiNodeCustomizer {

	/**
	 * @param builder the builder, already holding the values of the {@code chaski.*} properties
	 */
	void customize(ChaskiNode.Builder builder);

}
