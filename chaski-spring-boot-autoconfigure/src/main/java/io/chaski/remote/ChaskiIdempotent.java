package io.chaski.remote;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a remote interface as safe to run twice. When its provider disconnects or is busy, the call
 * is sent again to another provider of the service (within the same timeout); other calls fail at once.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ChaskiIdempotent {

}
