package dev.toolwarden.db;

import dev.toolwarden.ExecutionKind;
import dev.toolwarden.ToolStatistics;
import java.time.Duration;
import java.time.Instant;

/**
 * One tool's totals as the metrics database keeps them: counts and sums over every run of the
 * application, and the latency percentiles of the latest run that had calls (percentiles of
 * different runs cannot be added).
 *
 * @param tool the tool or chat handler name
 * @param kind TOOL or CHAT
 * @param calls calls, cache hits included
 * @param errors calls that threw
 * @param timeouts calls past their hard limit
 * @param rejected calls refused
 * @param fallbacks calls answered by their fallback
 * @param cacheHits calls answered from the cache
 * @param totalNanos wall time of the calls that ran
 * @param maxNanos the longest call
 * @param p50Nanos median of the latest run
 * @param p95Nanos 95th percentile of the latest run
 * @param p99Nanos 99th percentile of the latest run
 * @param cpuNanos CPU time of the measured calls
 * @param cpuCalls calls whose CPU time was measured
 * @param allocatedBytes bytes allocated by the measured calls
 * @param allocationCalls calls whose allocations were measured
 * @param updated when the row was written
 */
public record StoredMetrics(String tool, String kind, long calls, long errors, long timeouts, long rejected,
        long fallbacks, long cacheHits, long totalNanos, long maxNanos, long p50Nanos, long p95Nanos, long p99Nanos,
        long cpuNanos, long cpuCalls, long allocatedBytes, long allocationCalls, Instant updated) {

    /**
     * @param s a run's statistics
     * @return them as a row
     */
    public static StoredMetrics of(ToolStatistics s) {
        return new StoredMetrics(s.name(), s.kind().name(), s.calls(), s.errors(), s.timeouts(), s.rejected(),
                s.fallbacks(), s.cacheHits(), s.totalTime().toNanos(), s.maxTime().toNanos(), s.p50().toNanos(),
                s.p95().toNanos(), s.p99().toNanos(), s.cpuTime().toNanos(), s.cpuMeasuredCalls(), s.allocatedBytes(),
                s.allocationMeasuredCalls(), Instant.now());
    }

    /**
     * @param run this run's totals of the same tool, or {@code null}
     * @return the history with this run added: sums added, the maximum kept, this run's percentiles
     *     when it had calls that ran
     */
    public StoredMetrics plus(StoredMetrics run) {
        if (run == null) {
            return this;
        }
        // Calls refused before they ran are counted but not timed: a run of nothing but refusals has no percentiles.
        boolean ran = run.calls - run.cacheHits - run.rejected > 0;
        return new StoredMetrics(tool, run.kind, calls + run.calls, errors + run.errors, timeouts + run.timeouts,
                rejected + run.rejected, fallbacks + run.fallbacks, cacheHits + run.cacheHits,
                totalNanos + run.totalNanos, Math.max(maxNanos, run.maxNanos), ran ? run.p50Nanos : p50Nanos,
                ran ? run.p95Nanos : p95Nanos, ran ? run.p99Nanos : p99Nanos, cpuNanos + run.cpuNanos,
                cpuCalls + run.cpuCalls, allocatedBytes + run.allocatedBytes, allocationCalls + run.allocationCalls,
                run.updated);
    }

    /**
     * @param run a run's totals that this row includes
     * @return the row without them: its sums less the run's (never below 0); the maximum and the
     *     percentiles stay this row's
     */
    public StoredMetrics minus(StoredMetrics run) {
        if (run == null) {
            return this;
        }
        return new StoredMetrics(tool, kind, sub(calls, run.calls), sub(errors, run.errors), sub(timeouts, run.timeouts),
                sub(rejected, run.rejected), sub(fallbacks, run.fallbacks), sub(cacheHits, run.cacheHits),
                sub(totalNanos, run.totalNanos), maxNanos, p50Nanos, p95Nanos, p99Nanos, sub(cpuNanos, run.cpuNanos),
                sub(cpuCalls, run.cpuCalls), sub(allocatedBytes, run.allocatedBytes),
                sub(allocationCalls, run.allocationCalls), updated);
    }

    private static long sub(long a, long b) {
        return Math.max(0, a - b);
    }

    /** @return the row as statistics */
    public ToolStatistics toStatistics() {
        ExecutionKind k;
        try {
            k = ExecutionKind.valueOf(kind);
        } catch (IllegalArgumentException e) {
            k = ExecutionKind.TOOL;
        }
        return new ToolStatistics(tool, k, calls, errors, timeouts, rejected, fallbacks, cacheHits,
                Duration.ofNanos(totalNanos), Duration.ofNanos(maxNanos), Duration.ofNanos(p50Nanos),
                Duration.ofNanos(p95Nanos), Duration.ofNanos(p99Nanos), Duration.ofNanos(cpuNanos), cpuCalls,
                allocatedBytes, allocationCalls);
    }
}
