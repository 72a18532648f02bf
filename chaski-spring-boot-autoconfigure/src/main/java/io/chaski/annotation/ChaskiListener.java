package io.chaski.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method that receives the messages of one or more topics. The node joins those topics. The
 * method takes exactly one parameter: the payload, converted to the parameter's type (JSON through Jackson,
 * {@code String} for text, {@code byte[]} for raw bytes), or a {@link io.chaski.streamer.ChaskiMessage
 * ChaskiMessage&lt;T&gt;} with the topic, payload, origin node, id and timestamp. A method whose parameter is a
 * {@link io.chaski.files.ReceivedFile} gets the files pushed to those topics instead (once stored and checked;
 * concurrency and delivery policy do not apply to it).
 * <p>
 * The method runs on threads of its own, never on the node's I/O threads. Each topic has a bounded buffer;
 * when the method falls behind, its {@link #deliveryPolicy()} applies: by default the node stops reading the
 * link until there is room (bounded), so the publishers slow down to the listener's pace and nothing is lost;
 * telemetry-style listeners can drop instead (counted). An exception thrown by the method is logged and
 * counted, and the listener goes on with the next message.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ChaskiListener {

	/**
	 * @return the topics; each may be a {@code ${...}} placeholder, which may resolve to a comma-separated list
	 */
	String[] topics();

	/**
	 * @return threads that invoke the method for each topic, or a {@code ${...}} placeholder; empty means
	 * {@code chaski.listener.concurrency}. 1 keeps messages in order.
	 */
	String concurrency() default "";

	/**
	 * @return what happens when the method falls behind and its buffer is full: {@code wait} (lossless,
	 * back-pressure to the publishers, bounded by {@code chaski.streamer.delivery-timeout}), {@code drop-oldest}
	 * or {@code drop-newest} (see {@link io.chaski.streamer.DeliveryPolicy}), or a {@code ${...}} placeholder;
	 * empty means {@code chaski.listener.delivery-policy}
	 */
	String deliveryPolicy() default "";

	/**
	 * @return the listener's id in logs, metrics and the actuator endpoint; defaults to
	 * {@code beanName.methodName}
	 */
	String id() default "";

}
