package dev.toolwarden.report;

import java.time.Instant;
import java.util.List;

/**
 * What the report command found in one or more recordings: the model that the text, JSON and
 * HTML renderers print. Durations are in nanoseconds, sizes in bytes, CPU loads are fractions
 * from 0 to 1, and a value that the recordings did not have is {@code -1} (or {@code null} for an
 * object).
 *
 * @param sources the recording files, as given
 * @param start the first event's time, or {@code null} when there were no events
 * @param end the last event's time, or {@code null}
 * @param events all events read, of any type
 * @param toolwardenEvents events whose type name starts with {@code toolwarden.}
 * @param tools per tool and chat handler, by calls (most first)
 * @param caches per cache category
 * @param alerts resource alerts raised and cleared, in time order
 * @param slowest the slowest calls, slowest first
 * @param pools per connection pool
 * @param system the system summary, or {@code null} without {@code toolwarden.SystemResources} events
 * @param timeline calls, errors and timeouts over time
 * @param resources system samples over time (at most one per timeline bucket), for charts
 */
public record Report(List<String> sources, Instant start, Instant end, long events, long toolwardenEvents,
        List<ToolSummary> tools, List<CacheSummary> caches, List<Alert> alerts, List<SlowCall> slowest,
        List<PoolSummary> pools, SystemSummary system, List<TimelineBucket> timeline,
        List<ResourceSample> resources) {

    /** @return whether the recordings held any Toolwarden event */
    public boolean hasToolwardenEvents() {
        return toolwardenEvents > 0;
    }

    /**
     * One tool or chat handler.
     *
     * @param name its name
     * @param kind TOOL or CHAT
     * @param calls calls recorded
     * @param errors calls with outcome ERROR
     * @param softTimeouts soft-limit {@code toolwarden.Timeout} events
     * @param hardTimeouts hard-limit {@code toolwarden.Timeout} events
     * @param rejected calls with outcome REJECTED
     * @param fallbacks calls with outcome FALLBACK
     * @param cacheHits calls answered from the cache
     * @param p50 median duration
     * @param p95 95th percentile duration
     * @param p99 99th percentile duration
     * @param max longest call
     * @param mean mean duration
     * @param cpuTotal CPU time of the measured calls
     * @param cpuMeasured calls whose CPU time was measured
     * @param allocatedTotal bytes allocated by the measured calls
     * @param allocatedMeasured calls whose allocations were measured
     * @param latency the duration distribution, for charts: non-empty buckets in order
     */
    public record ToolSummary(String name, String kind, long calls, long errors, long softTimeouts,
            long hardTimeouts, long rejected, long fallbacks, long cacheHits, long p50, long p95, long p99, long max,
            long mean, long cpuTotal, long cpuMeasured, long allocatedTotal, long allocatedMeasured,
            List<LatencyBucket> latency) {

        /** @return cache hits over calls, from 0 to 1 */
        public double cacheHitRate() {
            return calls == 0 ? 0 : (double) cacheHits / calls;
        }

        /** @return mean CPU time of a measured call, or -1 when none was measured */
        public long meanCpu() {
            return cpuMeasured == 0 ? -1 : cpuTotal / cpuMeasured;
        }

        /** @return mean bytes allocated by a measured call, or -1 when none was measured */
        public long meanAllocated() {
            return allocatedMeasured == 0 ? -1 : allocatedTotal / allocatedMeasured;
        }
    }

    /**
     * Calls whose duration fell in {@code [from, to)}.
     *
     * @param from lower bound in nanoseconds
     * @param to upper bound in nanoseconds
     * @param count calls
     */
    public record LatencyBucket(long from, long to, long count) {
    }

    /**
     * One cache category: its last statistics in each recording, summed over recordings.
     *
     * @param category the category
     * @param size entries
     * @param hits hits
     * @param misses misses
     * @param evictions evictions
     */
    public record CacheSummary(String category, long size, long hits, long misses, long evictions) {

        /** @return hits over lookups, from 0 to 1; 0 without lookups; -1 when the counts are unknown */
        public double hitRate() {
            if (hits < 0 || misses < 0) {
                return -1;
            }
            long lookups = hits + misses;
            return lookups == 0 ? 0 : (double) hits / lookups;
        }
    }

    /**
     * A resource alert, raised or cleared.
     *
     * @param time when
     * @param resource MEMORY, CPU, DB_CONNECTIONS, TOOL_TIME or CONVERSATION_MEMORY
     * @param level SOFT or HARD
     * @param value the value, or NaN when the recording does not have it
     * @param threshold the limit, or NaN
     * @param subject what it is about (a pool, a tool, a conversation), or empty
     * @param cleared whether this clears an earlier alert
     */
    public record Alert(Instant time, String resource, String level, double value, double threshold, String subject,
            boolean cleared) {
    }

    /**
     * One of the slowest calls.
     *
     * @param time when it started
     * @param name the tool or chat handler
     * @param duration how long it ran
     * @param outcome its outcome
     * @param conversationId its conversation, or {@code null}
     * @param thread the thread it ran on
     * @param stack where it was when it passed its soft limit, or {@code null}
     */
    public record SlowCall(Instant time, String name, long duration, String outcome, String conversationId,
            String thread, String stack) {
    }

    /**
     * One connection pool.
     *
     * @param pool its name
     * @param max its maximum size
     * @param peakActive most connections in use at once
     * @param peakWaiting most threads waiting at once
     * @param samples samples read
     */
    public record PoolSummary(String pool, int max, int peakActive, int peakWaiting, long samples) {

        /** @return peak active over max, from 0 to 1 */
        public double peakUtilisation() {
            return max <= 0 ? 0 : (double) peakActive / max;
        }
    }

    /**
     * The system over the recordings.
     *
     * @param peakSystemCpu highest system CPU load
     * @param peakProcessCpu highest process CPU load
     * @param peakMemoryUsed most system memory in use
     * @param memoryTotal system memory
     * @param peakHeapUsed most heap in use
     * @param heapMax heap limit
     * @param samples samples read
     */
    public record SystemSummary(double peakSystemCpu, double peakProcessCpu, long peakMemoryUsed, long memoryTotal,
            long peakHeapUsed, long heapMax, long samples) {
    }

    /**
     * Calls that started in one stretch of time.
     *
     * @param start the stretch's start
     * @param seconds its length
     * @param calls calls
     * @param errors calls with outcome ERROR
     * @param timeouts hard timeouts
     */
    public record TimelineBucket(Instant start, long seconds, long calls, long errors, long timeouts) {
    }

    /**
     * The highest system figures in one stretch of time.
     *
     * @param time the stretch's start
     * @param systemCpu system CPU load, or -1
     * @param processCpu process CPU load, or -1
     * @param heapUsed heap in use, or -1
     * @param memoryUsed system memory in use, or -1
     */
    public record ResourceSample(Instant time, double systemCpu, double processCpu, long heapUsed, long memoryUsed) {
    }
}
