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
 */
public record CacheCategorySettings(String category, Duration ttl, Duration refreshAfter, Long maxBytes) {

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
