package dev.toolwarden.config;

import java.time.Duration;

/**
 * Settings of one cache category ({@code toolwarden.cache.<category>.*}).
 *
 * @param category the category name
 * @param ttl time to live of its entries
 * @param refreshAfter age after which an entry is refreshed in the background, or {@code null} for never
 * @param maxBytes a bound on the estimated bytes of its values, replacing the entry-count bound, or
 *     {@code null} for none ({@code toolwarden.cache.<category>.max-bytes})
 * @param l2 whether the category has a second tier in Redis ({@code toolwarden.cache.<category>.l2=redis})
 * @param l2Wait how long a call waits for another instance computing the same key, or {@code null}
 *     for not at all ({@code toolwarden.cache.<category>.l2-wait})
 */
public record CacheCategorySettings(String category, Duration ttl, Duration refreshAfter, Long maxBytes, boolean l2,
        Duration l2Wait) {

    /**
     * A category in this JVM only.
     *
     * @param category the category name
     * @param ttl time to live of its entries
     * @param refreshAfter refresh-ahead age, or {@code null}
     * @param maxBytes a bound on the estimated bytes of its values, or {@code null}
     */
    public CacheCategorySettings(String category, Duration ttl, Duration refreshAfter, Long maxBytes) {
        this(category, ttl, refreshAfter, maxBytes, false, null);
    }

    /**
     * A category bounded by entry count.
     *
     * @param category the category name
     * @param ttl time to live of its entries
     * @param refreshAfter refresh-ahead age, or {@code null}
     */
    public CacheCategorySettings(String category, Duration ttl, Duration refreshAfter) {
        this(category, ttl, refreshAfter, null);
    }
}
