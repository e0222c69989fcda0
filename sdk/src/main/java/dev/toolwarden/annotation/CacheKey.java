package dev.toolwarden.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameters that form the cache key of a {@link Cached} method. When no parameter of the method carries it, all parameters form the key. Key values should be immutable values (strings, numbers, records, enums): the key holds a reference to the argument, and an argument changed after the call would no longer find its entry.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface CacheKey {
}
