package dev.toolwarden.agent.advice;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds an advice parameter to the woven method's {@code @ConversationId} argument, or to
 * {@code null} when it has none. Reading one argument avoids building an array of all of them.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface ConversationArgument {
}
