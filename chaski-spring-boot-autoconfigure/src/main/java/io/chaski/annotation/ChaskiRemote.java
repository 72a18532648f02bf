package io.chaski.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a proxy that calls a service on other nodes, into a field or constructor parameter of the service's
 * interface type. Calls block up to the timeout ({@code CompletableFuture} methods return at once) and fail with
 * {@link io.chaski.remote.ChaskiRemoteException} or one of its subclasses.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.FIELD, ElementType.PARAMETER })
public @interface ChaskiRemote {

	/** @return the service name; may be a {@code ${...}} placeholder */
	String value();

	/**
	 * @return how long each call waits for its answer, e.g. {@code 2s} or {@code 500ms} (a placeholder is
	 * allowed); empty means {@code chaski.remote.timeout}
	 */
	String timeout() default "";

}
