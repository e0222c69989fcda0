package dev.toolwarden.runtime;

import dev.toolwarden.accounting.ToolAggregate;

/** A registered woven method: its descriptor and the aggregate its calls feed. */
final class WovenMethod {

    final ToolwardenRuntime runtime;
    /** The id its advice passes; set once by the registry. */
    int id = -1;
    final MethodDescriptor descriptor;
    final ToolAggregate aggregate;
    final String kind;
    /** The soft limit in nanoseconds, 0 for none: read by the watchdog on every scan. */
    final long softNanos;
    /** The hard limit in nanoseconds, 0 for none. */
    final long hardNanos;
    /** Whether the body runs on an isolation worker. */
    final boolean isolate;
    /** Whether the method has a usable {@code @Fallback}. */
    final boolean hasFallback;
    /** Whether the returned stage's completion ends the call. */
    final boolean asynchronous;
    /** The concurrency bound, 0 for none. */
    final int maxConcurrent;
    /** The part of its cache category that holds a {@code @Cached} method's entries, or {@code null}. */
    final dev.toolwarden.cache.CategoryCache.Segment cache;
    /** Indexes of the key parameters, or {@code null} for all. */
    final int[] keyParameters;
    /** Its entries' time to live. */
    final long cacheTtlNanos;
    /** Calls holding a place under {@link #maxConcurrent}; {@code null} without a bound. */
    final java.util.concurrent.atomic.AtomicInteger running;
    /** The shared tier's codec of its results ({@code Boolean.FALSE}: none), resolved at the first shared look-up. */
    volatile Object sharedCodec;
    /** The codec registry's version {@link #sharedCodec} was resolved at. */
    volatile int sharedCodecVersion;
    /** The prefix of its entries' keys in the shared tier. */
    volatile String sharedPrefix;
    private final int cpuSampleEvery;
    // Whether the first soft / hard limit passed has been logged; later ones go to events only.
    private final java.util.concurrent.atomic.AtomicBoolean softLogged = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean hardLogged = new java.util.concurrent.atomic.AtomicBoolean();
    // Racy on purpose: sampling one call in about N needs no exact count.
    private int cpuCounter;

    WovenMethod(ToolwardenRuntime runtime, MethodDescriptor descriptor, ToolAggregate aggregate, int cpuSampleEvery) {
        this.runtime = runtime;
        this.descriptor = descriptor;
        this.aggregate = aggregate;
        this.kind = descriptor.kind().name();
        this.softNanos = descriptor.policy().softTimeout() == null ? 0
                : dev.toolwarden.Durations.limitNanos(descriptor.policy().softTimeout());
        this.hardNanos = descriptor.policy().hardTimeout() == null ? 0
                : dev.toolwarden.Durations.limitNanos(descriptor.policy().hardTimeout());
        this.cpuSampleEvery = cpuSampleEvery;
        CallPolicy policy = descriptor.policy();
        this.isolate = policy.isolate();
        this.hasFallback = policy.fallback() != null;
        this.asynchronous = descriptor.asynchronous();
        this.maxConcurrent = policy.maxConcurrent();
        this.running = maxConcurrent > 0 ? new java.util.concurrent.atomic.AtomicInteger() : null;
        if (policy.cacheCategory() != null) {
            dev.toolwarden.cache.CategoryCache category = runtime.cache().categoryOrDefault(policy.cacheCategory());
            this.keyParameters = policy.cacheKey() == null ? null
                    : policy.cacheKey().stream().mapToInt(Integer::intValue).toArray();
            this.cacheTtlNanos = policy.cacheTtl() != null
                    ? dev.toolwarden.Durations.limitNanos(policy.cacheTtl()) : category.ttlNanos();
            this.cache = category.segment(cacheTtlNanos);
        } else {
            this.cache = null;
            this.keyParameters = null;
            this.cacheTtlNanos = 0;
        }
    }

    /** @return whether a call may start under the concurrency bound; if so it holds a place until {@link #leave()} */
    boolean tryEnter() {
        if (running.incrementAndGet() <= maxConcurrent) {
            return true;
        }
        running.decrementAndGet();
        return false;
    }

    /** Gives back the place a call took with {@link #tryEnter()}. */
    void leave() {
        running.decrementAndGet();
    }

    boolean measureCpu() {
        if (cpuSampleEvery <= 1) {
            return cpuSampleEvery == 1;
        }
        int n = cpuCounter + 1;
        if (n >= cpuSampleEvery) {
            cpuCounter = 0;
            return true;
        }
        cpuCounter = n;
        return false;
    }

    /** @return whether the first {@code level} ("SOFT" or "HARD") limit passed has been logged */
    boolean limitLogged(String level) {
        return ("HARD".equals(level) ? hardLogged : softLogged).get();
    }

    /** @return {@code true} once: for the first {@code level} limit passed, which is logged */
    boolean firstLimitLog(String level) {
        java.util.concurrent.atomic.AtomicBoolean logged = "HARD".equals(level) ? hardLogged : softLogged;
        return !logged.get() && logged.compareAndSet(false, true);
    }
}
