package dev.toolwarden.cache;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.Weigher;
import dev.toolwarden.CacheStatistics;
import dev.toolwarden.bootstrap.Completion;
import dev.toolwarden.config.CacheCategorySettings;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.config.Keys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Caches by category, each with its own time to live, size (or weight) bound and optional
 * refresh-ahead, on Caffeine. The five categories of the reference design always exist:
 * {@value #TOOL_PERFORMANCE} (1h), {@value #TOOL_RECOMMENDATIONS} (30m), {@value #RESPONSE_CACHE}
 * (10m), {@value #CONTEXT_CACHE} (15m) and {@value #QUERY_ANALYSIS} (20m); configuration changes
 * them and adds more ({@code toolwarden.cache.<category>.ttl}, {@code .refresh-after},
 * {@code .max-bytes}, {@code toolwarden.cache.max-size}).
 *
 * <p>{@link #get(String, Object, Supplier)} is single-flight: concurrent callers of one key run the
 * loader once, on the first caller's thread, and the others wait for its value, while callers of
 * other keys go on. A loader that throws or returns {@code null} caches nothing, and its waiters
 * see the same exception (or {@code null}). Expired entries are removed by a scheduler thread, not
 * by the next caller.
 *
 * <p>Usable without the agent. With the agent, woven {@code @Cached} methods use the agent's own
 * instance; this one is the application's.
 */
public final class PerformanceCache {

    /** Tool performance metrics, 1 hour. */
    public static final String TOOL_PERFORMANCE = "tool_performance";
    /** Tool recommendations, 30 minutes. */
    public static final String TOOL_RECOMMENDATIONS = "tool_recommendations";
    /** Answers to queries, 10 minutes. */
    public static final String RESPONSE_CACHE = "response_cache";
    /** Conversation context, 15 minutes. */
    public static final String CONTEXT_CACHE = "context_cache";
    /** Query analysis, 20 minutes. */
    public static final String QUERY_ANALYSIS = "query_analysis";

    private final Map<String, CategoryCache> categories = new ConcurrentHashMap<>();
    private final Builder settings;

    private PerformanceCache(Builder b) {
        this.settings = b;
        b.categories.forEach((name, s) -> categories.put(name, create(name, s)));
    }

    /**
     * A cache configured from system properties and the environment (as the agent reads them).
     *
     * @return the cache
     */
    public static PerformanceCache fromEnvironment() {
        return builder().configuration(Configuration.fromEnvironment(null)).build();
    }

    /** @return a builder with the five default categories and 1000 entries per category */
    public static Builder builder() {
        return new Builder();
    }

    private CategoryCache create(String name, CacheCategorySettings s) {
        long maxWeight = s.maxBytes() == null ? 0 : s.maxBytes();
        return new CategoryCache(name, s.ttl(), s.refreshAfter(), settings.maximumSize, maxWeight,
                settings.weighers.getOrDefault(name, (k, v) -> Weights.estimate(v)), settings.ticker,
                settings.scheduler, settings.executor(), s.l2(), s.l2Wait());
    }

    /** @return the category names */
    public Set<String> categories() {
        return Collections.unmodifiableSet(categories.keySet());
    }

    /**
     * The category's cache; an unknown name is an error, so that a typo does not cache into nowhere.
     *
     * @throws IllegalArgumentException for a category that is not configured
     */
    CategoryCache category(String category) {
        CategoryCache c = categories.get(Objects.requireNonNull(category, "category"));
        if (c == null) {
            throw new IllegalArgumentException("unknown cache category '" + category + "'; the categories are "
                    + new java.util.TreeSet<>(categories.keySet()) + " (add one with toolwarden.cache." + category
                    + ".ttl)");
        }
        return c;
    }

    /**
     * The category's cache, created with the {@value #RESPONSE_CACHE} settings when it is not
     * configured (woven methods naming an unknown category; the agent warned at weave time).
     *
     * @param category a category name
     * @return its cache
     */
    public CategoryCache categoryOrDefault(String category) {
        return categories.computeIfAbsent(category, n -> {
            CacheCategorySettings base = settings.categories.get(RESPONSE_CACHE);
            return create(n, new CacheCategorySettings(n, base.ttl(), base.refreshAfter(), base.maxBytes(), base.l2(),
                    base.l2Wait()));
        });
    }

    /**
     * @param category a category
     * @param key a key
     * @return the cached value, or {@code null} (a value still loading counts as absent)
     */
    public Object getIfPresent(String category, Object key) {
        CompletableFuture<Completion> f = category(category).primary().lookup(Objects.requireNonNull(key, "key"));
        if (f == null || !f.isDone() || f.isCompletedExceptionally()) {
            return null;
        }
        Completion c = f.getNow(null);
        return c == null ? null : c.value;
    }

    /**
     * Caches a value; {@code null} removes the key.
     *
     * @param category a category
     * @param key a key
     * @param value the value
     */
    public void put(String category, Object key, Object value) {
        CategoryCache.Segment c = category(category).primary();
        if (value == null) {
            c.invalidate(Objects.requireNonNull(key, "key"));
        } else {
            c.put(Objects.requireNonNull(key, "key"), Completion.cached(value, null));
        }
    }

    /**
     * The cached value, or the loader's, computed once however many callers ask at the same time.
     * With refresh-ahead on the category, the loader is kept with the entry and called again in the
     * background once the entry is older than the category's {@code refresh-after}.
     *
     * @param <V> the value type
     * @param category a category
     * @param key a key
     * @param loader computes the value on a miss, on this thread
     * @return the value, or {@code null} when the loader gave {@code null} (not cached)
     * @throws RuntimeException what the loader threw (also to the callers that waited for it)
     */
    @SuppressWarnings("unchecked")
    public <V> V get(String category, Object key, Supplier<? extends V> loader) {
        Objects.requireNonNull(loader, "loader");
        CategoryCache.Segment c = category(category).primary();
        Objects.requireNonNull(key, "key");
        CompletableFuture<Completion> f = c.lookup(key);
        if (f == null) {
            CompletableFuture<Completion> mine = new CompletableFuture<>();
            f = c.startLoad(key, mine);
            if (f == null) {
                V value;
                try {
                    value = loader.get();
                } catch (Throwable e) {
                    // Any throwable, checked ones thrown sneakily too: a load left incomplete would never end.
                    c.failed(mine, e);
                    throw sneaky(e);
                }
                Reloader reloader = c.refreshes() ? loader::get : null;
                c.loaded(mine, value == null ? null : Completion.cached(value, reloader));
                return value;
            }
        }
        Completion done = await(f);
        return done == null ? null : (V) done.value;
    }

    /**
     * The cached future of an asynchronous computation: one computation per key at a time; a future
     * that fails (or gives {@code null}) is removed. Each caller gets its own stage, so that one
     * caller completing or cancelling it does not touch the others'.
     *
     * @param <V> the value type
     * @param category a category
     * @param key a key
     * @param loader starts the computation on a miss
     * @return a stage of the value
     */
    @SuppressWarnings("unchecked")
    public <V> CompletableFuture<V> getAsync(String category, Object key,
            Supplier<? extends CompletionStage<? extends V>> loader) {
        Objects.requireNonNull(loader, "loader");
        CategoryCache.Segment c = category(category).primary();
        Objects.requireNonNull(key, "key");
        CompletableFuture<Completion> f = c.lookup(key);
        if (f == null) {
            CompletableFuture<Completion> mine = new CompletableFuture<>();
            f = c.startLoad(key, mine);
            if (f == null) {
                f = mine;
                CompletionStage<? extends V> stage;
                try {
                    stage = loader.get();
                } catch (Throwable e) {
                    c.failed(mine, e);
                    throw sneaky(e);
                }
                if (stage == null) {
                    c.loaded(mine, null);
                } else {
                    stage.whenComplete((v, t) -> {
                        if (t != null) {
                            c.failed(mine, t instanceof CompletionException && t.getCause() != null ? t.getCause() : t);
                        } else {
                            c.loaded(mine, v == null ? null : Completion.cached(v, null));
                        }
                    });
                }
            }
        }
        return (CompletableFuture<V>) CategoryCache.valueStage(f);
    }

    /** Rethrows what a loader threw, as it was thrown (a checked exception too, as the loader threw it). */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    /** Waits for a future of another caller's load; its failure is rethrown as it was thrown. */
    private static Completion await(CompletableFuture<Completion> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                    Throwable cause = CategoryCache.failure(e);
                    if (cause instanceof RuntimeException) {
                        throw (RuntimeException) cause;
                    }
                    if (cause instanceof Error) {
                        throw (Error) cause;
                    }
                    throw new CompletionException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * @param category a category
     * @param key a key
     */
    public void invalidate(String category, Object key) {
        category(category).primary().invalidate(Objects.requireNonNull(key, "key"));
    }

    /** @param category a category whose entries are all removed */
    public void invalidateCategory(String category) {
        category(category).invalidateAll();
    }

    /** Removes every entry of every category. */
    public void invalidateAll() {
        categories.values().forEach(CategoryCache::invalidateAll);
    }

    /**
     * @param category a category
     * @return its figures since start-up
     */
    public CacheStatistics statistics(String category) {
        return category(category).statistics();
    }

    /** @return the figures of every category, by name */
    public List<CacheStatistics> statistics() {
        List<CacheStatistics> out = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(categories.keySet())) {
            out.add(categories.get(name).statistics());
        }
        return out;
    }

    /** Runs pending expiry and eviction now; they also run by themselves. */
    public void cleanUp() {
        categories.values().forEach(CategoryCache::cleanUp);
    }

    /** Settings of a {@link PerformanceCache}. */
    public static final class Builder {
        private final Map<String, CacheCategorySettings> categories = new LinkedHashMap<>();
        private long maximumSize = 1000;
        private final Map<String, Weigher<Object, Object>> weighers = new java.util.HashMap<>();
        private Ticker ticker = Ticker.systemTicker();
        private Scheduler scheduler = Scheduler.systemScheduler();
        private Executor executor;

        private Builder() {
            Configuration.DEFAULT_CATEGORIES.forEach((n, ttl) -> categories.put(n, new CacheCategorySettings(n, ttl, null)));
        }

        /**
         * Takes the categories and the size bound from configuration.
         *
         * @param configuration the settings
         * @return this
         */
        public Builder configuration(Configuration configuration) {
            categories.putAll(configuration.cacheCategories());
            maximumSize = configuration.get(Keys.CACHE_MAX_SIZE);
            return this;
        }

        /**
         * Adds or changes a category.
         *
         * @param name the category name
         * @param ttl its entries' time to live
         * @return this
         */
        public Builder category(String name, Duration ttl) {
            CacheCategorySettings old = categories.get(name);
            categories.put(name, new CacheCategorySettings(name, ttl, old == null ? null : old.refreshAfter(),
                    old == null ? null : old.maxBytes(), old != null && old.l2(), old == null ? null : old.l2Wait()));
            return this;
        }

        /**
         * Turns on refresh-ahead for a category.
         *
         * @param name the category name
         * @param age entries older than this are reloaded in the background when read
         * @return this
         */
        public Builder refreshAfter(String name, Duration age) {
            CacheCategorySettings old = existing(name);
            categories.put(name, new CacheCategorySettings(name, old.ttl(), age, old.maxBytes(), old.l2(), old.l2Wait()));
            return this;
        }

        /**
         * Bounds a category by the estimated bytes of its values instead of by entries.
         *
         * @param name the category name
         * @param bytes the bound
         * @param weigher estimates a value's bytes ({@code null}: {@link Weights#estimate})
         * @return this
         */
        @SuppressWarnings("unchecked")
        public Builder maximumWeight(String name, long bytes, Weigher<?, ?> weigher) {
            CacheCategorySettings old = existing(name);
            categories.put(name, new CacheCategorySettings(name, old.ttl(), old.refreshAfter(), bytes, old.l2(), old.l2Wait()));
            if (weigher != null) {
                weighers.put(name, (Weigher<Object, Object>) weigher);
            } else {
                weighers.remove(name);
            }
            return this;
        }

        /**
         * @param entries the size bound of every category not bounded by weight
         * @return this
         */
        public Builder maximumSize(long entries) {
            if (entries <= 0) {
                throw new IllegalArgumentException("maximum size " + entries + " is not positive");
            }
            this.maximumSize = entries;
            return this;
        }

        /**
         * @param ticker the clock of expiry and refresh (tests pass a fake one)
         * @return this
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * @param executor runs expiry clean-up on time (default: Caffeine's system scheduler)
         * @return this
         */
        public Builder scheduler(ScheduledExecutorService executor) {
            this.scheduler = Scheduler.forScheduledExecutorService(executor);
            return this;
        }

        /**
         * @param scheduler a Caffeine scheduler ({@link Scheduler#disabledScheduler()} in tests)
         * @return this
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * @param executor runs refreshes and Caffeine's maintenance (default: two daemon threads)
         * @return this
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        private CacheCategorySettings existing(String name) {
            CacheCategorySettings s = categories.get(name);
            if (s == null) {
                throw new IllegalArgumentException("unknown cache category '" + name + "'; add it with category()");
            }
            return s;
        }

        private Executor executor() {
            if (executor == null) {
                // Refreshes may be as slow as the calls they repeat: never on the application's common pool.
                ThreadPoolExecutor e = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                        dev.toolwarden.runtime.DaemonThreads.named("toolwarden-cache", false));
                e.allowCoreThreadTimeOut(true);
                executor = e;
            }
            return executor;
        }

        /** @return the cache */
        public PerformanceCache build() {
            return new PerformanceCache(this);
        }
    }
}
