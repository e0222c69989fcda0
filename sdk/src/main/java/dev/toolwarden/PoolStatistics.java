package dev.toolwarden;

import java.util.Objects;

/**
 * One connection pool's utilisation, read from the pool's own MXBean.
 *
 * @param pool the pool's name
 * @param active connections lent out now
 * @param idle connections waiting in the pool
 * @param total active plus idle
 * @param waiting threads waiting for a connection
 * @param max the most connections the pool opens
 */
public record PoolStatistics(String pool, int active, int idle, int total, int waiting, int max) {

    /** Checks the components. */
    public PoolStatistics {
        Objects.requireNonNull(pool, "pool");
    }

    /** @return active connections in % of the maximum, the figure of the {@code DB_CONNECTIONS} limits */
    public double utilisationPercent() {
        return max <= 0 ? 0 : 100.0 * active / max;
    }
}
