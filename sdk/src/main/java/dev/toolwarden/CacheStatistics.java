package dev.toolwarden;

import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of one cache category's figures since start-up.
 *
 * @param category the category name
 * @param size entries now (an estimate while entries expire)
 * @param hits look-ups that found an entry (a caller that waited for another caller's load counts as a hit)
 * @param misses look-ups that found none
 * @param evictions entries removed by the size or weight bound or by expiry
 * @param loads values computed for the cache (successful or not), refreshes included
 * @param loadFailures loads that threw, or gave {@code null}, so that nothing was cached
 * @param loadTime time spent computing values
 * @param l2 whether the category has a shared second tier in Redis
 * @param l2Hits misses of this JVM's tier answered from Redis (also counted in {@code misses})
 * @param l2Misses look-ups of Redis that found nothing
 * @param l2Unavailable look-ups Redis could not answer (down, or slower than {@code toolwarden.redis.timeout}):
 *     the calls ran without the shared tier
 * @param l2DecodeFailures values in Redis that did not decode, each counted as a miss
 */
public record CacheStatistics(String category, long size, long hits, long misses, long evictions, long loads,
        long loadFailures, Duration loadTime, boolean l2, long l2Hits, long l2Misses, long l2Unavailable,
        long l2DecodeFailures) {

    /**
     * A category without a shared tier.
     *
     * @param category the category name
     * @param size entries now
     * @param hits look-ups that found an entry
     * @param misses look-ups that found none
     * @param evictions entries removed by a bound or by expiry
     * @param loads values computed
     * @param loadFailures loads that threw or gave {@code null}
     * @param loadTime time spent computing values
     */
    public CacheStatistics(String category, long size, long hits, long misses, long evictions, long loads,
            long loadFailures, Duration loadTime) {
        this(category, size, hits, misses, evictions, loads, loadFailures, loadTime, false, 0, 0, 0, 0);
    }

    /** Checks the components. */
    public CacheStatistics {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(loadTime, "loadTime");
    }

    /** @return hits divided by look-ups, or 0 when there was none */
    public double hitRate() {
        long requests = hits + misses;
        return requests == 0 ? 0 : (double) hits / requests;
    }

    /** @return the mean time of a load, or zero when there was none */
    public Duration meanLoadTime() {
        return loads == 0 ? Duration.ZERO : loadTime.dividedBy(loads);
    }
}
