package dev.toolwarden.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Time limits for a woven method. On a method it also makes the method woven (as a tool, unless it
 * is marked {@link Chat}); on a type it sets the limits of the type's woven methods, without
 * weaving any method by itself. A method's {@code @Timeout} overrides only the attributes it sets:
 * with {@code @Timeout(soft = "5s")} on the class and {@code @Timeout(hard = "8s")} on the method,
 * the method's limits are 5 s and 8 s. An attribute set on neither (or set to its default value)
 * is the configured default ({@code toolwarden.timeout.soft}, {@code .hard}).
 *
 * <p>Durations are strings: {@code 250ms}, {@code 30s}, {@code 10m}, {@code 1h}, or ISO-8601 such
 * as {@code PT30S}; {@code 0} disables that limit. A malformed value is reported at weave time,
 * naming the method, and the configured default is used instead.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Timeout {

    /**
     * The soft limit: passing it records where the call is stuck and raises an alert; the call
     * continues.
     *
     * @return a duration string
     */
    String soft() default "30s";

    /**
     * The hard limit: passing it interrupts the call, and the caller gets
     * {@link dev.toolwarden.ToolTimeoutException} or the {@link Fallback} result.
     *
     * @return a duration string
     */
    String hard() default "60s";

    /**
     * Runs the body on a Toolwarden worker thread, so that the caller gets control back at the hard
     * limit even when the body ignores interrupts.
     *
     * @return whether the body is isolated on a worker thread
     */
    boolean isolate() default false;
}
