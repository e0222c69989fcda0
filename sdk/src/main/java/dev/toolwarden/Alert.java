package dev.toolwarden;

import java.time.Instant;
import java.util.Objects;

/**
 * A limit crossed (or, with {@code cleared}, fallen back below), as delivered to an
 * {@link AlertListener}.
 *
 * @param resource what crossed it: {@code TOOL_TIME} today; {@code MEMORY}, {@code CPU},
 *     {@code DB_CONNECTIONS} and {@code CONVERSATION_MEMORY} with the resource monitor
 * @param level {@code SOFT} or {@code HARD}
 * @param value the value that crossed the limit (milliseconds for {@code TOOL_TIME})
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
