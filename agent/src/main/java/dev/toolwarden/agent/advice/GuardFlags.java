package dev.toolwarden.agent.advice;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds an {@code int} advice parameter to the woven method's {@link dev.toolwarden.bootstrap.Completion}
 * flags, a constant: what its guarded advice must pass to the runtime.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface GuardFlags {
}
