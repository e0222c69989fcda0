package dev.toolwarden.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a chat handler: accounted and recorded like a {@link Tool}, with kind
 * {@code CHAT}, and attributed to the conversation named by its {@link ConversationId} parameter.
 * Tool calls made while a chat handler runs are attributed to the same conversation.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Chat {

    /**
     * The handler's name in statistics and events. Empty means {@code SimpleClassName.methodName}.
     *
     * @return the handler name, or empty for the default
     */
    String name() default "";
}
