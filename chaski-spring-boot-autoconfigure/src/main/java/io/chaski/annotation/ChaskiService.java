package io.chaski.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exports a bean for remote calls under a service name: peers may call the methods of the interfaces it
 * implements (or of the ones named in {@link #types()}), and nothing else. Interfaces of the JDK and of Spring
 * are never exported. A {@link ChaskiRemote} proxy on another node calls it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ChaskiService {

	/** @return the service name, unique on this node; may be a {@code ${...}} placeholder */
	String value();

	/** @return the interfaces to export; empty exports every application interface the bean implements */
	Class<?>[] types() default {};

}
