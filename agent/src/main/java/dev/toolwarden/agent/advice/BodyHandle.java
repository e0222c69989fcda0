package dev.toolwarden.agent.advice;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a {@code MethodHandle} advice parameter to a constant handle that runs the woven method's
 * own body with {@code invokespecial} semantics (no overriding method runs instead), for isolated
 * methods; {@code null} for the others.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface BodyHandle {
}
