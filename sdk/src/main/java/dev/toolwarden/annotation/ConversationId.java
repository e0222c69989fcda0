package dev.toolwarden.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter that names the conversation a call belongs to. Its value attributes the call's resources to that conversation, is recorded in the {@code toolwarden.Execution} event, and scopes cache keys; nested woven calls without such a parameter inherit the conversation of the call that encloses them.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface ConversationId {
}
