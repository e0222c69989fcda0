package dev.toolwarden;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one tool's (or chat handler's) aggregates since the runtime started.
 *
 * <p>CPU time and allocations are only known for calls on which the JVM could measure them (CPU
 * time may be off or sampled, and virtual threads report none): {@code cpuMeasuredCalls} and
 * {@code allocationMeasuredCalls} say on how many calls the totals rest.
 *
 * @param name the tool or chat handler name
 * @param kind tool or chat handler
 * @param calls calls that ended, whatever their outcome
 * @param errors calls that ended with an exception from the body
 * @param timeouts calls that passed their hard limit (the caller got {@link ToolTimeoutException}, or the
 *     fallback's answer)
 * @param rejected calls refused before they ran (concurrency bound, no free isolation worker, load
 *     shedding), whether the caller got {@link ResourceExhaustedException} or the fallback's answer
 * @param fallbacks calls answered by their {@code @Fallback} method
 * @param cacheHits calls answered from the cache ({@code @Cached}); they count in {@code calls} but
 *     not in the times, which describe the calls that ran (refused calls are not timed either)
 * @param totalTime wall time of all calls
 * @param maxTime the longest call
 * @param p50 median call duration (within the histogram's precision, about 3%)
 * @param p95 95th percentile call duration
 * @param p99 99th percentile call duration
 * @param cpuTime CPU time of the measured calls
 * @param cpuMeasuredCalls calls whose CPU time was measured
 * @param allocatedBytes bytes allocated by the measured calls' threads
 * @param allocationMeasuredCalls calls whose allocations were measured
 */
public record ToolStatistics(String name, ExecutionKind kind, long calls, long errors, long timeouts, long rejected,
        long fallbacks, long cacheHits, Duration totalTime,
        Duration maxTime, Duration p50, Duration p95, Duration p99, Duration cpuTime, long cpuMeasuredCalls,
        long allocatedBytes, long allocationMeasuredCalls) {

    /** Checks the components. */
    public ToolStatistics {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    /** @return the mean wall time of a call that ran (not a cache hit), or zero when there was none */
    public Duration meanTime() {
        // Hits and refusals ran nothing and are not timed (a refusal answered by a fallback is, so the
        // mean leans high when there are many of those).
        long timed = calls - cacheHits - rejected;
        return timed <= 0 ? Duration.ZERO : totalTime.dividedBy(timed);
    }

    /** @return the mean CPU time of a measured call, or empty when no call was measured */
    public Optional<Duration> meanCpuTime() {
        return cpuMeasuredCalls == 0 ? Optional.empty() : Optional.of(cpuTime.dividedBy(cpuMeasuredCalls));
    }

    /** @return the mean bytes allocated by a measured call, or -1 when no call was measured */
    public long meanAllocatedBytes() {
        return allocationMeasuredCalls == 0 ? -1 : allocatedBytes / allocationMeasuredCalls;
    }
}
