package dev.toolwarden.config;

import java.time.Duration;

/**
 * Settings of one cache category ({@code toolwarden.cache.<category>.*}).
 *
 * @param category the category name
 * @param ttl time to live of its entries
 * @param refreshAfter age after which an entry is refreshed in the background, or {@code null} for never
 */
public record CacheCategorySettings(String category, Duration ttl, Duration refreshAfter) {
}
