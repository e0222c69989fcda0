package dev.toolwarden.db;

import java.time.Duration;

/**
 * The result of a health check: a real round trip to the database.
 *
 * @param up whether the database answered
 * @param latency how long the round trip (connection from the pool, query, result) took
 * @param error why it failed, or {@code null}
 */
public record PoolHealth(boolean up, Duration latency, String error) {
}
