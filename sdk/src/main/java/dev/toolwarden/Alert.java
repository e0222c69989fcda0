package dev.toolwarden;

import java.time.Instant;
import java.util.Objects;

/**
 * A limit crossed (or, with {@code cleared}, fallen back below), as delivered to an
 * {@link AlertListener}.
 *
 * @param resource what crossed it: {@code TOOL_TIME}, {@code MEMORY}, {@code CPU},
 *     {@code CONVERSATION_MEMORY}, {@code DB_CONNECTIONS} (a pool's connections in use), {@code DATABASE}
 *     (the metrics database cannot be reached: value 1, cleared with 0), {@code CACHE_L2} (the shared
 *     cache tier's Redis cannot be reached: value 1, cleared with 0)
 * @param level {@code SOFT} or {@code HARD}
 * @param value the value that crossed the limit (milliseconds for {@code TOOL_TIME}, % for
 *     {@code MEMORY} and {@code CPU}, bytes for {@code CONVERSATION_MEMORY})
 * @param threshold the limit, in the same unit
 * @param subject what the value belongs to: a tool, a pool, a conversation
 * @param cleared whether the value fell back below the limit
 * @param time when it happened
 */
public record Alert(String resource, String level, double value, double threshold, String subject, boolean cleared,
        Instant time) {

    /** Checks the components. */
    public Alert {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(time, "time");
    }
}
