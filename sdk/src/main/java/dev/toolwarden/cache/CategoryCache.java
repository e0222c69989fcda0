package dev.toolwarden.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.Weigher;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.ConcurrentStatsCounter;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import dev.toolwarden.CacheStatistics;
import dev.toolwarden.bootstrap.Completion;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

/**
 * One cache category: Caffeine {@link AsyncCache}s (one per time to live: the category's, and one
 * for each woven method with a {@code @Cached(ttl)} of its own), sharing their statistics, whose
 * values are futures of {@link Completion}s. Holding futures is what makes loads single-flight without holding a lock:
 * the first caller of a key puts an incomplete future into the map and computes the value on its own
 * thread, outside any lock of the map; later callers of that key find the future and wait for it;
 * callers of other keys never wait. (Caffeine's synchronous {@code get(key, function)} would run a
 * 30-second model call inside {@code ConcurrentHashMap.compute}, blocking the other keys of its
 * bin.) A future that fails or completes with {@code null} is removed by Caffeine, so exceptions and
 * {@code null} are never cached, and an incomplete future never expires.
 *
 * <p>The stored {@link Completion} is what woven code applies on a hit, so a hit allocates nothing
 * but its key; its {@link Completion#pending()} holds the {@link Reloader} for refresh-ahead.
 *
 * <p>Its methods serve the runtime's woven caching; applications use {@link PerformanceCache}.
 */
public final class CategoryCache {

    private final String name;
    private final boolean l2;
    private final Duration l2Wait;
    /** Second-tier figures: answers found in Redis, keys not there, look-ups Redis could not answer, values that did not decode. */
    private final LongAdder l2Hits = new LongAdder();
    private final LongAdder l2Misses = new LongAdder();
    private final LongAdder l2Unavailable = new LongAdder();
    private final LongAdder l2DecodeFailures = new LongAdder();
    private final long ttlNanos;
    private final Duration refreshAfter;
    private final long maximumSize;
    private final long maximumWeight;
    private final Weigher<Object, Object> weigher;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final Executor executor;
    private final ConcurrentStatsCounter stats = new ConcurrentStatsCounter();
    /** What Caffeine records into: {@link #stats}, but for the load Caffeine counts for a plain put. */
    private final StatsCounter recorder = new StatsCounter() {
        @Override
        public void recordHits(int count) {
            stats.recordHits(count);
        }

        @Override
        public void recordMisses(int count) {
            stats.recordMisses(count);
        }

        @Override
        public void recordLoadSuccess(long loadTime) {
            if (!PUTTING.get()) {
                stats.recordLoadSuccess(loadTime);
            }
        }

        @Override
        public void recordLoadFailure(long loadTime) {
            stats.recordLoadFailure(loadTime);
        }

        @Override
        public void recordEviction(int weight, com.github.benmanes.caffeine.cache.RemovalCause cause) {
            stats.recordEviction(weight, cause);
        }

        @Override
        public CacheStats snapshot() {
            return stats.snapshot();
        }
    };
    private static final ThreadLocal<Boolean> PUTTING = ThreadLocal.withInitial(() -> Boolean.FALSE);
    /** Refreshes of entries with no way to reload them, which Caffeine counts as failed loads: not failures. */
    private final LongAdder refreshesWithoutReloader = new LongAdder();
    private final Segment primary;
    /** Segments of methods whose {@code @Cached(ttl)} differs from the category's, by that time to live. */
    private final java.util.concurrent.ConcurrentMap<Long, Segment> others = new java.util.concurrent.ConcurrentHashMap<>();

    CategoryCache(String name, Duration ttl, Duration refreshAfter, long maximumSize, long maximumWeight,
            Weigher<Object, Object> weigher, Ticker ticker, Scheduler scheduler, Executor executor) {
        this(name, ttl, refreshAfter, maximumSize, maximumWeight, weigher, ticker, scheduler, executor, false, null);
    }

    CategoryCache(String name, Duration ttl, Duration refreshAfter, long maximumSize, long maximumWeight,
            Weigher<Object, Object> weigher, Ticker ticker, Scheduler scheduler, Executor executor, boolean l2,
            Duration l2Wait) {
        this.l2 = l2;
        this.l2Wait = l2Wait;
        this.name = name;
        this.ttlNanos = saturatedNanos(ttl);
        this.refreshAfter = refreshAfter;
        this.maximumSize = maximumSize;
        this.maximumWeight = maximumWeight;
        this.weigher = weigher;
        this.ticker = ticker;
        this.scheduler = scheduler;
        this.executor = executor;
        this.primary = new Segment(ttlNanos);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** @return the category name */
    public String name() {
        return name;
    }

    /** @return whether the category has a shared tier in Redis ({@code toolwarden.cache.<category>.l2=redis}) */
    public boolean l2() {
        return l2;
    }

    /** @return how long a call waits for another instance computing its key, or {@code null} for not at all */
    public Duration l2Wait() {
        return l2Wait;
    }

    /** Counts a look-up of the shared tier that found a value. */
    public void l2Hit() {
        l2Hits.increment();
    }

    /** Counts a look-up of the shared tier that found no value. */
    public void l2Miss() {
        l2Misses.increment();
    }

    /** Counts a look-up the shared tier could not answer (down, too slow). */
    public void l2Unavailable() {
        l2Unavailable.increment();
    }

    /** Counts a value of the shared tier that did not decode (a miss). */
    public void l2DecodeFailure() {
        l2DecodeFailures.increment();
    }

    /** @return the category's time to live, in nanoseconds */
    public long ttlNanos() {
        return ttlNanos;
    }

    /**
     * The part of the category whose entries live {@code ttlNanos}: the category itself for its own
     * time to live, else a Caffeine cache of its own with the same settings and statistics. A fixed
     * time to live per cache keeps a hit about 20 ns cheaper than Caffeine's per-entry expiry.
     *
     * @param ttlNanos a time to live
     * @return its segment
     */
    public Segment segment(long ttlNanos) {
        return ttlNanos == this.ttlNanos ? primary : others.computeIfAbsent(ttlNanos, Segment::new);
    }

    /** @return the segment with the category's own time to live */
    public Segment primary() {
        return primary;
    }

    private java.util.List<Segment> segments() {
        java.util.List<Segment> all = new java.util.ArrayList<>(others.values());
        all.add(0, primary);
        return all;
    }

    /** Removes every entry. */
    public void invalidateAll() {
        for (Segment s : segments()) {
            s.cache.synchronous().invalidateAll();
        }
    }

    /** Runs pending maintenance now: expiry and eviction (tests, and the statistics event). */
    public void cleanUp() {
        for (Segment s : segments()) {
            s.cache.synchronous().cleanUp();
        }
    }

    /** @return the category's figures since start-up */
    public CacheStatistics statistics() {
        CacheStats st = stats.snapshot();
        long size = 0;
        for (Segment s : segments()) {
            size += s.cache.synchronous().estimatedSize();
        }
        return new CacheStatistics(name, size, st.hitCount(), st.missCount(), st.evictionCount(), st.loadCount(),
                Math.max(0, st.loadFailureCount() - refreshesWithoutReloader.sum()), Duration.ofNanos(st.totalLoadTime()), l2,
                l2Hits.sum(), l2Misses.sum(), l2Unavailable.sum(), l2DecodeFailures.sum());
    }

    /** One Caffeine cache of the category: all its entries live the same time. */
    public final class Segment {

        private final AsyncCache<Object, Completion> cache;

        Segment(long ttl) {
            Caffeine<Object, Object> b = Caffeine.newBuilder()
                    .executor(executor)
                    .scheduler(scheduler)
                    .ticker(ticker)
                    .recordStats(() -> recorder)
                    .expireAfterWrite(Duration.ofNanos(ttl));
            if (maximumWeight > 0) {
                // An asynchronous cache weighs the value of a completed future: here, the Completion.
                b = b.maximumWeight(maximumWeight).weigher((Object k, Object v) -> weigher.weigh(k, ((Completion) v).value));
            } else {
                b = b.maximumSize(maximumSize);
            }
            if (refreshAfter != null && dev.toolwarden.Durations.limitNanos(refreshAfter) < ttl) {
                this.cache = b.refreshAfterWrite(refreshAfter).buildAsync(new Refresher());
            } else {
                this.cache = b.buildAsync();
            }
        }

        /** @return the category this segment belongs to */
        public CategoryCache category() {
            return CategoryCache.this;
        }

        /** @return whether entries are refreshed ahead of expiry, so that they must keep a reloader */
        public boolean refreshes() {
            return refreshAfter != null;
        }

        /**
         * Looks a key up, counting a hit or a miss.
         *
         * @param key the key
         * @return the key's future (done or still loading), or {@code null}
         */
        public CompletableFuture<Completion> lookup(Object key) {
            return cache.getIfPresent(key);
        }

        /**
         * Starts loading a key: puts {@code mine} unless another caller's future is there already.
         *
         * @param key the key
         * @param mine the caller's incomplete future
         * @return {@code null} when the caller is the loader and must complete {@code mine}; otherwise
         *     the future to wait for
         */
        public CompletableFuture<Completion> startLoad(Object key, CompletableFuture<Completion> mine) {
            return cache.asMap().putIfAbsent(key, mine);
        }

        /**
         * Completes a load: {@link CategoryCache#loaded}.
         *
         * @param mine the loader's future
         * @param value the value, or {@code null}
         */
        public void loaded(CompletableFuture<Completion> mine, Completion value) {
            CategoryCache.this.loaded(mine, value);
        }

        /**
         * Fails a load: {@link CategoryCache#failed}.
         *
         * @param mine the loader's future
         * @param thrown what computing the value threw
         */
        public void failed(CompletableFuture<Completion> mine, Throwable thrown) {
            CategoryCache.this.failed(mine, thrown);
        }

        void put(Object key, Completion value) {
            // Caffeine counts a put of a future as a load, and this value was not computed here.
            PUTTING.set(Boolean.TRUE);
            try {
                cache.put(key, CompletableFuture.completedFuture(value));
            } finally {
                PUTTING.set(Boolean.FALSE);
            }
        }

        /** @param key a key to remove */
        public void invalidate(Object key) {
            cache.synchronous().invalidate(key);
        }

        /**
         * @param key a key to remove
         * @return whether it had an entry (done or loading)
         */
        public boolean remove(Object key) {
            return cache.asMap().remove(key) != null;
        }

        /**
         * Removes the entries a predicate selects (the keys of one woven method, say).
         *
         * @param keys selects the keys to remove
         */
        public void invalidateIf(java.util.function.Predicate<Object> keys) {
            cache.asMap().keySet().removeIf(keys);
        }
    }

    /**
     * Completes a load. Caffeine measures it (from {@link #startLoad} to here) and counts it; a
     * {@code null} value counts as a failed load and is not cached.
     *
     * @param mine the loader's future
     * @param value the value (or {@code null}: not cached)
     */
    public void loaded(CompletableFuture<Completion> mine, Completion value) {
        mine.complete(value);
    }

    /**
     * The loader failed: whoever waits sees the failure, and nothing is cached. The failure travels
     * wrapped in a {@link LoadFailure}, which Caffeine does not log (it logs any other exception of an
     * asynchronous load, into the application's log); {@link #failure} unwraps it.
     *
     * @param mine the loader's future
     * @param thrown what computing the value threw
     */
    public void failed(CompletableFuture<Completion> mine, Throwable thrown) {
        mine.completeExceptionally(new LoadFailure(thrown));
    }

    /**
     * @param thrown what waiting for an entry threw
     * @return what its loader threw, when it is a load's failure; otherwise {@code thrown}
     */
    public static Throwable failure(Throwable thrown) {
        // Through the wrappers futures add: CompletionException and ExecutionException, and, since JDK
        // 19 or so, a new CancellationException("get") around the one a future was completed with.
        Throwable t = thrown;
        for (int depth = 0; t != null && depth < 8; depth++) {
            if (t instanceof LoadFailure) {
                return t.getCause() != null ? t.getCause() : t;
            }
            if ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException
                    || t instanceof java.util.concurrent.CancellationException) && t.getCause() != null) {
                t = t.getCause();
            } else {
                break;
            }
        }
        return t == null ? thrown : t;
    }

    /**
     * @param entry an entry's future
     * @return a stage of its value of the caller's own, failing with what the loader threw
     */
    public static CompletableFuture<Object> valueStage(CompletableFuture<Completion> entry) {
        CompletableFuture<Object> own = new CompletableFuture<>();
        entry.whenComplete((done, t) -> {
            if (t != null) {
                own.completeExceptionally(failure(t));
            } else {
                own.complete(done == null ? null : done.value);
            }
        });
        return own;
    }

    /** A loader's failure, as the cache's future carries it. */
    public static final class LoadFailure extends java.util.concurrent.CancellationException {
        private static final long serialVersionUID = 1L;

        LoadFailure(Throwable cause) {
            super("the call computing this entry failed: " + cause);
            initCause(cause);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // only a carrier: the cause has the stack
        }
    }

    /** A refresh that gives no new value; no stack (it is thrown for every failed refresh, and says nothing more). */
    private static final java.util.concurrent.CancellationException NO_REFRESH = noRefresh();

    private static java.util.concurrent.CancellationException noRefresh() {
        java.util.concurrent.CancellationException e = new java.util.concurrent.CancellationException(
                "no new value: the entry keeps its own until it expires");
        e.setStackTrace(new StackTraceElement[0]);
        return e;
    }

    /** Refresh-ahead: reloads an entry through its {@link Reloader}, on the category's executor. */
    private final class Refresher implements AsyncCacheLoader<Object, Completion> {
        @Override
        public CompletableFuture<Completion> asyncLoad(Object key, Executor executor) {
            // Entries are always put by the caller that computed them; nothing loads by key alone.
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Completion> asyncReload(Object key, Completion old, Executor executor) {
            // No new value (nothing to reload it with, or the reload failed): a cancelled refresh, which Caffeine
            // drops without a word. Answering with the old value would count as a write and restart its time to
            // live, so that a value read often enough would never expire while its source is down.
            Object reloader = old.pending();
            if (!(reloader instanceof Reloader)) {
                refreshesWithoutReloader.increment();
                return CompletableFuture.failedFuture(NO_REFRESH);
            }
            CompletableFuture<Completion> reloaded = new CompletableFuture<>();
            executor.execute(() -> {
                Object value;
                try {
                    value = ((Reloader) reloader).reload();
                } catch (Throwable t) {
                    // The current value stays until it expires; Caffeine counts the failed load, and says nothing.
                    reloaded.completeExceptionally(NO_REFRESH);
                    return;
                }
                reloaded.complete(value == null ? null : Completion.cached(value, reloader));
            });
            return reloaded;
        }
    }
}
