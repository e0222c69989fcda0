package dev.toolwarden.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a method of the same class that answers instead of failing when the call passes its hard
 * limit or is rejected (concurrency bound, load shedding). The fallback takes the same parameters,
 * optionally followed by one {@link Throwable} parameter that receives the reason, and returns a
 * type assignable to the woven method's return type. A fallback that does not fit is reported at
 * weave time, naming both methods, and is not used.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Fallback {

    /**
     * The name of the fallback method, declared in the same class.
     *
     * @return the fallback method's name
     */
    String value();
}
