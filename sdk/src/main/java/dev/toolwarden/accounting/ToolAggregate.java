package dev.toolwarden.accounting;

import dev.toolwarden.ExecutionKind;
import dev.toolwarden.ToolStatistics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The running totals of one tool or chat handler. Recording a call is a handful of uncontended
 * atomic additions; the number of calls is the histogram's count, so it costs nothing extra.
 */
public final class ToolAggregate {

    private final String name;
    private final ExecutionKind kind;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final LongAdder totalNanos = new LongAdder();
    private final AtomicLong maxNanos = new AtomicLong();
    private final LongAdder errors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder refusedUntimed = new LongAdder();
    private final LongAdder cpuNanos = new LongAdder();
    private final LongAdder cpuCalls = new LongAdder();
    private final LongAdder allocatedBytes = new LongAdder();
    // Counting the unmeasured calls rather than the measured ones keeps the common path one addition shorter.
    private final LongAdder allocationUnknown = new LongAdder();

    /**
     * @param name the tool name
     * @param kind tool or chat handler
     */
    public ToolAggregate(String name, ExecutionKind kind) {
        this.name = name;
        this.kind = kind;
    }

    /** @return the tool name */
    public String name() {
        return name;
    }

    /** @return tool or chat handler */
    public ExecutionKind kind() {
        return kind;
    }

    /**
     * Adds one ended call.
     *
     * @param wallNanos its duration
     * @param cpu its CPU time, or {@link ThreadResources#UNKNOWN}
     * @param allocated bytes it allocated, or {@link ThreadResources#UNKNOWN}
     * @param outcome how the call ended
     */
    public void record(long wallNanos, long cpu, long allocated, dev.toolwarden.Outcome outcome) {
        record(wallNanos, cpu, allocated, outcome, null);
    }

    /**
     * Adds one ended call.
     *
     * @param wallNanos its duration
     * @param cpu its CPU time, or {@link ThreadResources#UNKNOWN}
     * @param allocated bytes it allocated, or {@link ThreadResources#UNKNOWN}
     * @param outcome how the call ended
     * @param reason for a {@code FALLBACK} outcome, why the fallback answered: {@code TIMEOUT} or
     *     {@code REJECTED}; otherwise ignored
     */
    public void record(long wallNanos, long cpu, long allocated, dev.toolwarden.Outcome outcome,
            dev.toolwarden.Outcome reason) {
        if (outcome == dev.toolwarden.Outcome.REJECTED) {
            // Refused before it ran: counted, not timed, or the percentiles would favour shed tools.
            rejected.increment();
            refusedUntimed.increment();
            return;
        }
        totalNanos.add(wallNanos);
        for (long max = maxNanos.get(); wallNanos > max && !maxNanos.compareAndSet(max, wallNanos);) {
            max = maxNanos.get();
        }
        if (outcome == dev.toolwarden.Outcome.ERROR) {
            errors.increment();
        } else if (outcome == dev.toolwarden.Outcome.TIMEOUT) {
            timeouts.increment();
        } else if (outcome == dev.toolwarden.Outcome.FALLBACK) {
            fallbacks.increment();
            if (reason == dev.toolwarden.Outcome.TIMEOUT) {
                timeouts.increment();
            } else if (reason == dev.toolwarden.Outcome.REJECTED) {
                rejected.increment();
            }
        }
        if (cpu >= 0) {
            cpuNanos.add(cpu);
            cpuCalls.increment();
        }
        if (allocated >= 0) {
            allocatedBytes.add(allocated);
        } else {
            allocationUnknown.increment();
        }
        // Last: the histogram's count is the call's count, and a snapshot reads it first, so that a
        // call it counts has every other figure in it too (the stored metrics skip a delta with no
        // call, and would otherwise lose the figures of a call counted without them).
        latency.record(wallNanos);
    }

    /** Adds one call answered from the cache: counted, not timed (it ran nothing). */
    public void recordHit() {
        cacheHits.increment();
    }

    /** @return a snapshot of the totals */
    public ToolStatistics snapshot() {
        LatencyHistogram.Snapshot h = latency.snapshot(); // first: see the end of record
        long hits = cacheHits.sum();
        long calls = h.count() + hits + refusedUntimed.sum();
        long max = maxNanos.get();
        return new ToolStatistics(name, kind, calls, errors.sum(), timeouts.sum(), rejected.sum(),
                fallbacks.sum(), hits, Duration.ofNanos(totalNanos.sum()),
                Duration.ofNanos(max), Duration.ofNanos(h.percentile(0.50, max)),
                Duration.ofNanos(h.percentile(0.95, max)), Duration.ofNanos(h.percentile(0.99, max)),
                Duration.ofNanos(cpuNanos.sum()), cpuCalls.sum(), allocatedBytes.sum(),
                Math.max(0, h.count() - allocationUnknown.sum()));
    }
}
