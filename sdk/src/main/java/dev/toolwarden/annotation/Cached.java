package dev.toolwarden.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches the method's results. The key is the method plus its {@link CacheKey} parameters (all
 * parameters when none is marked) plus the values of its {@link ConversationId}, {@link UserId}
 * and {@link SessionId} parameters, so an answer cached for one user is never served to another.
 * Exceptions and {@code null} results are not cached. Also makes the method woven (as a tool,
 * unless it is marked {@link Chat}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Cached {

    /**
     * The cache category, which sets the size bound and the default TTL. The built-in categories
     * are {@code tool_performance} (1h), {@code tool_recommendations} (30m), {@code response_cache}
     * (10m), {@code context_cache} (15m) and {@code query_analysis} (20m); others are configured
     * with {@code toolwarden.cache.<category>.ttl}.
     *
     * @return the category name
     */
    String category() default "response_cache";

    /**
     * Time to live of this method's entries, as a duration string ({@code 10m}, {@code PT10M});
     * empty means the category's TTL.
     *
     * @return a duration string, or empty for the category's TTL
     */
    String ttl() default "";
}
