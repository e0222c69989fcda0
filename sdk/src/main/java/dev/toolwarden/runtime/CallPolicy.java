package dev.toolwarden.runtime;

import java.time.Duration;

/**
 * How calls of a woven method are to be limited and cached, resolved at weave time from its
 * annotations, its class's {@code @Timeout}, per-tool configuration and the defaults (per-tool
 * configuration wins over annotations, so operators can change a limit without a new build).
 *
 * @param softTimeout soft limit, {@link Duration#ZERO} for none
 * @param hardTimeout hard limit, {@link Duration#ZERO} for none
 * @param isolate whether the body runs on a worker thread
 * @param cacheCategory cache category, or {@code null} when results are not cached
 * @param cacheTtl time to live of cached results, or {@code null} for the category's
 * @param maxConcurrent concurrency bound, 0 for none
 * @param fallback name of the fallback method, or {@code null}
 * @param cacheKey indexes of the parameters whose values form the cache key, or {@code null} for all
 */
public record CallPolicy(Duration softTimeout, Duration hardTimeout, boolean isolate, String cacheCategory,
        Duration cacheTtl, int maxConcurrent, String fallback, java.util.List<Integer> cacheKey) {

    /**
     * A policy whose cache key, if it caches, is all parameters.
     *
     * @param softTimeout soft limit
     * @param hardTimeout hard limit
     * @param isolate whether the body runs on a worker thread
     * @param cacheCategory cache category, or {@code null}
     * @param cacheTtl time to live of cached results, or {@code null}
     * @param maxConcurrent concurrency bound, 0 for none
     * @param fallback name of the fallback method, or {@code null}
     */
    public CallPolicy(Duration softTimeout, Duration hardTimeout, boolean isolate, String cacheCategory,
            Duration cacheTtl, int maxConcurrent, String fallback) {
        this(softTimeout, hardTimeout, isolate, cacheCategory, cacheTtl, maxConcurrent, fallback, null);
    }

    // equals and hashCode written out: a record's own link an ObjectMethods bootstrap at their first call.

    @Override
    public boolean equals(Object o) {
        return o instanceof CallPolicy p && isolate == p.isolate && maxConcurrent == p.maxConcurrent
                && java.util.Objects.equals(softTimeout, p.softTimeout)
                && java.util.Objects.equals(hardTimeout, p.hardTimeout)
                && java.util.Objects.equals(cacheCategory, p.cacheCategory)
                && java.util.Objects.equals(cacheTtl, p.cacheTtl) && java.util.Objects.equals(fallback, p.fallback)
                && java.util.Objects.equals(cacheKey, p.cacheKey);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(softTimeout, hardTimeout, isolate, cacheCategory, cacheTtl, maxConcurrent,
                fallback, cacheKey);
    }
}
