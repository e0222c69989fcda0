package dev.toolwarden.agent.advice;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a {@code MethodHandle} advice parameter to a constant handle on the woven method's
 * {@code @Fallback} method, or {@code null} when it has none.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface FallbackHandle {
}
