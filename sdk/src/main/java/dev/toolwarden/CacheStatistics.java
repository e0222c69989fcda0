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
 */
public record CacheStatistics(String category, long size, long hits, long misses, long evictions, long loads,
        long loadFailures, Duration loadTime) {

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
