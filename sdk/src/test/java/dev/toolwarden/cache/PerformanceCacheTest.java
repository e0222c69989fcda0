package dev.toolwarden.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.toolwarden.CacheStatistics;
import dev.toolwarden.bootstrap.Completion;
import dev.toolwarden.config.Configuration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PerformanceCacheTest {

    private static final String R = PerformanceCache.RESPONSE_CACHE;
    private static final Duration MS = Duration.ofMillis(1);

    /** A fake clock for expiry and refresh; starts away from zero so that no "0 = unset" shortcut can help. */
    private final AtomicLong nanos = new AtomicLong(TimeUnit.HOURS.toNanos(5));
    private final Ticker ticker = nanos::get;
    private ExecutorService pool;

    @AfterEach
    void stopPool() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** Fake ticker, refreshes and maintenance on the calling thread, no expiry thread. */
    private PerformanceCache.Builder builder() {
        return PerformanceCache.builder().ticker(ticker).executor(Runnable::run)
                .scheduler(Scheduler.disabledScheduler());
    }

    private static CacheStatistics stats(PerformanceCache cache, String category) {
        cache.cleanUp();
        return cache.statistics(category);
    }

    /** Puts a fresh key now and checks it is there 1 ms before {@code ttl} and gone 1 ms after. */
    private void assertLivesFor(PerformanceCache cache, String category, Duration ttl) {
        Object key = category + "-probe-" + nanos.get();
        Object value = "value of " + key;
        cache.put(category, key, value);
        advance(ttl.minus(MS));
        assertSame(value, cache.getIfPresent(category, key), category + ": gone before its TTL of " + ttl);
        advance(MS.multipliedBy(2));
        assertNull(cache.getIfPresent(category, key), category + ": still there after its TTL of " + ttl);
    }

    private static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released in 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    // ------------------------------------------------------------------ categories and TTLs

    @Nested
    class Categories {

        static Stream<Arguments> defaults() {
            return Stream.of(
                    Arguments.of(PerformanceCache.TOOL_PERFORMANCE, Duration.ofHours(1)),
                    Arguments.of(PerformanceCache.TOOL_RECOMMENDATIONS, Duration.ofMinutes(30)),
                    Arguments.of(PerformanceCache.RESPONSE_CACHE, Duration.ofMinutes(10)),
                    Arguments.of(PerformanceCache.CONTEXT_CACHE, Duration.ofMinutes(15)),
                    Arguments.of(PerformanceCache.QUERY_ANALYSIS, Duration.ofMinutes(20)));
        }

        @Test
        void theFiveDefaultCategoriesExist() {
            assertEquals(Set.of("tool_performance", "tool_recommendations", "response_cache", "context_cache",
                    "query_analysis"), builder().build().categories());
        }

        @ParameterizedTest(name = "{0} lives {1}")
        @MethodSource("defaults")
        void anEntryLivesExactlyItsCategorysTtl(String category, Duration ttl) {
            PerformanceCache cache = builder().build();
            assertEquals(ttl.toNanos(), cache.categoryOrDefault(category).ttlNanos());
            assertLivesFor(cache, category, ttl);
            CacheStatistics s = stats(cache, category);
            assertEquals(0, s.size(), "the expired entry is removed by clean-up");
            assertEquals(1, s.evictions(), "expiry counts as an eviction");
        }

        @Test
        void anUnknownCategoryIsAnErrorNamingItAndTheKnownOnes() {
            PerformanceCache cache = builder().build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cache.get("embedings", "k", () -> "v"));
            String m = e.getMessage();
            assertTrue(m.contains("'embedings'"), m);
            for (String known : List.of("tool_performance", "tool_recommendations", "response_cache",
                    "context_cache", "query_analysis")) {
                assertTrue(m.contains(known), "message does not list " + known + ": " + m);
            }
            assertThrows(IllegalArgumentException.class, () -> cache.put("embedings", "k", "v"));
            assertThrows(IllegalArgumentException.class, () -> cache.getIfPresent("embedings", "k"));
            assertThrows(IllegalArgumentException.class, () -> cache.invalidate("embedings", "k"));
            assertThrows(IllegalArgumentException.class, () -> cache.invalidateCategory("embedings"));
            assertThrows(IllegalArgumentException.class, () -> cache.statistics("embedings"));
            assertThrows(IllegalArgumentException.class,
                    () -> cache.getAsync("embedings", "k", () -> CompletableFuture.completedFuture("v")));
            assertFalse(cache.categories().contains("embedings"), "a failed look-up must not create the category");
        }

        @Test
        void configurationAddsACategoryAndChangesATtl() {
            Configuration config = Configuration.load(null, Map.of(
                    "toolwarden.cache.embeddings.ttl", "6h",
                    "toolwarden.cache.response_cache.ttl", "2m"), Map.of());
            assertEquals(List.of(), config.problems());
            PerformanceCache cache = builder().configuration(config).build();

            assertTrue(cache.categories().contains("embeddings"), cache.categories().toString());
            assertEquals(6, cache.categories().size());
            assertLivesFor(cache, "embeddings", Duration.ofHours(6));
            assertLivesFor(cache, R, Duration.ofMinutes(2));
            assertLivesFor(cache, PerformanceCache.TOOL_PERFORMANCE, Duration.ofHours(1));
        }

        @Test
        void configurationSetsTheSizeBound() {
            Configuration config = Configuration.load(null, Map.of("toolwarden.cache.max-size", "3"), Map.of());
            assertEquals(List.of(), config.problems());
            PerformanceCache cache = builder().configuration(config).build();
            for (int i = 0; i < 10; i++) {
                cache.put(R, i, "v" + i);
            }
            CacheStatistics s = stats(cache, R);
            assertTrue(s.size() <= 3, s.toString());
            assertEquals(10 - s.size(), s.evictions(), s.toString());
        }

        @Test
        void builderAddsACategoryAndRejectsBadSettings() {
            PerformanceCache cache = builder().category("embeddings", Duration.ofSeconds(30)).build();
            assertLivesFor(cache, "embeddings", Duration.ofSeconds(30));
            assertThrows(IllegalArgumentException.class, () -> PerformanceCache.builder().maximumSize(0));
            assertThrows(IllegalArgumentException.class,
                    () -> PerformanceCache.builder().refreshAfter("nope", Duration.ofMinutes(1)));
            assertThrows(IllegalArgumentException.class,
                    () -> PerformanceCache.builder().maximumWeight("nope", 100, null));
        }

        @Test
        void categoryOrDefaultCreatesAnUnknownCategoryWithTheResponseCacheTtl() {
            PerformanceCache cache = builder().build();
            CategoryCache woven = cache.categoryOrDefault("woven_only");
            assertEquals(Duration.ofMinutes(10).toNanos(), woven.ttlNanos());
            assertTrue(cache.categories().contains("woven_only"));
            assertSame(woven, cache.categoryOrDefault("woven_only"));
            assertLivesFor(cache, "woven_only", Duration.ofMinutes(10));
        }

        @Test
        void statisticsListEveryCategoryByName() {
            PerformanceCache cache = builder().build();
            List<String> names = cache.statistics().stream().map(CacheStatistics::category).collect(Collectors.toList());
            assertEquals(List.of("context_cache", "query_analysis", "response_cache", "tool_performance",
                    "tool_recommendations"), names);
        }
    }

    // ------------------------------------------------------------------ size and weight bounds

    @Nested
    class Bounds {

        @Test
        void sizeBoundEvictsDownToTheMaximum() {
            PerformanceCache cache = builder().maximumSize(5).build();
            for (int i = 0; i < 20; i++) {
                cache.put(R, "k" + i, "v" + i);
            }
            CacheStatistics s = stats(cache, R);
            assertTrue(s.size() <= 5 && s.size() > 0, s.toString());
            assertTrue(s.evictions() >= 15, s.toString());
        }

        @Test
        void sizeBoundIsPerCategory() {
            PerformanceCache cache = builder().maximumSize(5).build();
            for (int i = 0; i < 5; i++) {
                cache.put(R, i, "r" + i);
                cache.put(PerformanceCache.CONTEXT_CACHE, i, "c" + i);
            }
            assertEquals(0, stats(cache, R).evictions());
            assertEquals(5, stats(cache, R).size());
            assertEquals(5, stats(cache, PerformanceCache.CONTEXT_CACHE).size());
        }

        @Test
        void weightBoundKeepsTheEstimatedBytesUnderTheBound() {
            long bound = 10_000;
            PerformanceCache cache = builder().maximumWeight(R, bound, null).build();
            int n = 50;
            for (int i = 0; i < n; i++) {
                cache.put(R, i, "x".repeat(1000) + i);
                cache.put(PerformanceCache.CONTEXT_CACHE, i, "x".repeat(1000) + i);
            }
            CacheStatistics s = stats(cache, R);
            long total = 0;
            for (int i = 0; i < n; i++) {
                Object v = cache.getIfPresent(R, i);
                total += v == null ? 0 : Weights.estimate(v);
            }
            assertTrue(total <= bound, "estimated bytes " + total + " over the bound " + bound);
            assertTrue(total > 0, "everything was evicted");
            assertTrue(s.evictions() >= n - bound / 1000, s.toString());
            assertEquals(n, stats(cache, PerformanceCache.CONTEXT_CACHE).size(),
                    "a category without max-bytes is bounded by entries, not bytes");
        }

        @Test
        void aCustomWeigherGetsTheCachedValue() {
            PerformanceCache cache = builder().maximumWeight(R, 100, (k, v) -> ((String) v).length()).build();
            for (int i = 0; i < 10; i++) {
                cache.put(R, i, String.valueOf((char) ('a' + i)).repeat(30));
            }
            cache.cleanUp();
            int total = 0;
            for (int i = 0; i < 10; i++) {
                Object v = cache.getIfPresent(R, i);
                total += v == null ? 0 : ((String) v).length();
            }
            assertTrue(total <= 100 && total > 0, "total length " + total);
            assertTrue(stats(cache, R).evictions() >= 6, stats(cache, R).toString());
        }

        @Test
        void configurationSetsAByteBound() {
            Configuration config = Configuration.load(null,
                    Map.of("toolwarden.cache.response_cache.max-bytes", "4KB"), Map.of());
            assertEquals(List.of(), config.problems());
            PerformanceCache cache = builder().configuration(config).build();
            for (int i = 0; i < 20; i++) {
                cache.put(R, i, "y".repeat(1000) + i);
            }
            cache.cleanUp();
            long total = 0;
            for (int i = 0; i < 20; i++) {
                Object v = cache.getIfPresent(R, i);
                total += v == null ? 0 : Weights.estimate(v);
            }
            assertTrue(total <= 4096 && total > 0, "estimated bytes " + total);
        }

        @Test
        void aMethodWithATtlOfItsOwnHasItsOwnSizeBoundWithinTheCategory() {
            // As documented: each time to live is a Caffeine cache of its own, with the category's bound.
            PerformanceCache cache = builder().maximumSize(5).build();
            CategoryCache.Segment own = cache.categoryOrDefault(R).segment(TimeUnit.MINUTES.toNanos(1));
            for (int i = 0; i < 20; i++) {
                cache.put(R, "k" + i, "v" + i);
                own.put(MethodKey.of(1, new Object[] {i}, null), Completion.cached("m" + i, null));
            }
            cache.cleanUp();
            CacheStatistics s = stats(cache, R);
            assertTrue(s.size() <= 10 && s.size() > 5, R + " holds " + s.size() + " entries: at most 5 per segment");
            assertTrue(s.evictions() >= 30, "evictions " + s.evictions());
        }

        @Test
        void aNullWeigherMeansWeightsEstimateEvenWhenAnotherCategoryHasItsOwn() {
            PerformanceCache cache = builder()
                    .maximumWeight(R, 1_000_000, (k, v) -> 1)
                    .maximumWeight(PerformanceCache.CONTEXT_CACHE, 4_000, null)
                    .build();
            for (int i = 0; i < 20; i++) {
                cache.put(PerformanceCache.CONTEXT_CACHE, i, "z".repeat(1000) + i);
            }
            cache.cleanUp();
            long total = 0;
            for (int i = 0; i < 20; i++) {
                Object v = cache.getIfPresent(PerformanceCache.CONTEXT_CACHE, i);
                total += v == null ? 0 : Weights.estimate(v);
            }
            assertTrue(total <= 4_000, "context_cache holds " + total + " estimated bytes over its 4000-byte bound");
        }
    }

    // ------------------------------------------------------------------ get(category, key, loader)

    @Nested
    class Loading {

        @Test
        void aMissRunsTheLoaderOnceAndHitsDoNot() {
            PerformanceCache cache = builder().build();
            AtomicInteger calls = new AtomicInteger();
            Supplier<String> loader = () -> "v" + calls.incrementAndGet();

            assertEquals("v1", cache.get(R, "k", loader));
            assertEquals("v1", cache.get(R, "k", loader));
            assertEquals("v1", cache.get(R, "k", loader));
            assertEquals("v1", cache.get(R, "k", loader));
            assertEquals(1, calls.get());

            CacheStatistics s = stats(cache, R);
            assertEquals(3, s.hits());
            assertEquals(1, s.misses());
            assertEquals(1, s.loads());
            assertEquals(0, s.loadFailures());
            assertEquals(0.75, s.hitRate(), 1e-9);
            assertEquals(1, s.size());
            assertFalse(s.loadTime().isNegative());
        }

        @Test
        void aNullResultIsNotCachedAndCountsAsAFailedLoad() {
            PerformanceCache cache = builder().build();
            AtomicInteger calls = new AtomicInteger();
            Supplier<String> loader = () -> {
                calls.incrementAndGet();
                return null;
            };
            assertNull(cache.get(R, "k", loader));
            assertNull(cache.get(R, "k", loader));
            assertEquals(2, calls.get(), "null was cached");
            assertNull(cache.getIfPresent(R, "k"));

            CacheStatistics s = stats(cache, R);
            assertEquals(0, s.size());
            assertEquals(0, s.hits());
            assertEquals(3, s.misses());
            assertEquals(2, s.loads(), "Caffeine's loads are successes plus failures");
            assertEquals(2, s.loadFailures());
        }

        @Test
        void aThrowingLoaderPassesTheSameExceptionAndCachesNothing() {
            PerformanceCache cache = builder().build();
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> cache.get(R, "k", () -> {
                        throw boom;
                    }));
            assertSame(boom, thrown);
            assertNull(cache.getIfPresent(R, "k"));

            AtomicInteger calls = new AtomicInteger();
            assertEquals("fresh", cache.get(R, "k", () -> {
                calls.incrementAndGet();
                return "fresh";
            }));
            assertEquals(1, calls.get(), "the next caller's loader must run");

            CacheStatistics s = stats(cache, R);
            assertEquals(2, s.loads());
            assertEquals(1, s.loadFailures());
            assertEquals(1, s.size());
        }

        @Test
        void aPutIsNotCountedAsALoad() {
            PerformanceCache cache = builder().build();
            cache.put(R, "a", "put");
            cache.put(R, "b", "put");
            assertEquals("loaded", cache.get(R, "c", () -> "loaded"));
            assertEquals(1, stats(cache, R).loads(), "a put is not a load");
        }

        @Test
        void anErrorFromTheLoaderIsPassedAsItIs() {
            PerformanceCache cache = builder().build();
            AssertionError error = new AssertionError("bad");
            assertSame(error, assertThrows(AssertionError.class, () -> cache.get(R, "k", () -> {
                throw error;
            })));
            assertEquals("ok", cache.get(R, "k", () -> "ok"));
        }

        @Test
        void anEntryInvalidatedWhileLoadingIsNotCachedButTheCallerGetsItsValue() {
            PerformanceCache cache = builder().build();
            assertEquals("stale", cache.get(R, "k", () -> {
                cache.invalidate(R, "k");
                return "stale";
            }));
            assertNull(cache.getIfPresent(R, "k"), "a load overtaken by an invalidation was cached");
        }

        @Test
        @Timeout(20)
        void fiftyConcurrentCallersOfOneKeyRunTheLoaderOnceAndOtherKeysAreNotHeldUp() throws Exception {
            PerformanceCache cache = builder().build();
            int n = 50;
            pool = Executors.newFixedThreadPool(n);
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger calls = new AtomicInteger();
            Supplier<Object> loader = () -> {
                calls.incrementAndGet();
                awaitQuietly(release);
                return new StringBuilder("value"); // identity matters: every caller gets this one
            };
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return cache.get(R, "k", loader);
                }));
            }
            start.countDown();
            waitUntil(() -> calls.get() >= 1 && cache.statistics(R).hits() + cache.statistics(R).misses() == n,
                    "every caller has looked the key up");

            // While "k" loads, another key of the same category is served at once.
            assertEquals("other", assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> cache.get(R, "other", () -> "other")));
            assertEquals("other", assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> cache.get(R, "other", () -> "not this")));
            assertNull(cache.getIfPresent(R, "k"), "a value still loading counts as absent");
            for (Future<Object> f : results) {
                assertFalse(f.isDone(), "a caller of k did not wait for the load");
            }

            release.countDown();
            Object first = results.get(0).get(10, TimeUnit.SECONDS);
            assertInstanceOf(StringBuilder.class, first);
            for (Future<Object> f : results) {
                assertSame(first, f.get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, calls.get(), "the loader ran more than once");
            assertSame(first, cache.getIfPresent(R, "k"));
            CacheStatistics s = stats(cache, R);
            assertEquals(2, s.loads(), "one load of k, one of other: " + s);
            assertEquals(0, s.loadFailures());
        }

        @Test
        @Timeout(20)
        void waitersOfAFailingLoadAllGetTheSameExceptionAndTheirLoadersDoNotRun() throws Exception {
            PerformanceCache cache = builder().build();
            int waiters = 10;
            pool = Executors.newFixedThreadPool(waiters + 1);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            IllegalStateException boom = new IllegalStateException("boom");
            Future<Object> loading = pool.submit(() -> cache.get(R, "k", () -> {
                entered.countDown();
                awaitQuietly(release);
                throw boom;
            }));
            assertTrue(entered.await(10, TimeUnit.SECONDS));

            AtomicInteger waiterLoads = new AtomicInteger();
            List<Future<Object>> waiting = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                waiting.add(pool.submit(() -> cache.get(R, "k", () -> "waiter " + waiterLoads.incrementAndGet())));
            }
            waitUntil(() -> cache.statistics(R).hits() == waiters, "every waiter found the load");
            release.countDown();

            ExecutionException e = assertThrows(ExecutionException.class, () -> loading.get(10, TimeUnit.SECONDS));
            assertSame(boom, e.getCause());
            for (Future<Object> f : waiting) {
                ExecutionException we = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                assertSame(boom, we.getCause(), "a waiter got something else than the loader's exception");
            }
            assertEquals(0, waiterLoads.get(), "a waiter ran its own loader");
            assertEquals("fresh", cache.get(R, "k", () -> "fresh"), "the failure was cached");
            CacheStatistics s = stats(cache, R);
            assertEquals(1, s.loadFailures());
            assertEquals(2, s.loads());
        }

        @Test
        @Timeout(10)
        void aLoaderThrowingACheckedExceptionLeavesNoEntryStuckLoading() {
            PerformanceCache cache = builder().build();
            IOException io = new IOException("io");
            Throwable thrown = assertThrows(IOException.class, () -> cache.get(R, "k", () -> {
                throw sneaky(io);
            }));
            assertSame(io, thrown);
            CompletableFuture<Object> next = cache.getAsync(R, "k", () -> CompletableFuture.completedFuture("fresh"));
            assertTrue(next.isDone(), "the key is still 'loading' after its loader threw");
            assertEquals("fresh", next.join());
        }
    }

    // ------------------------------------------------------------------ refresh-ahead

    @Nested
    class RefreshAhead {

        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

        /** Refreshes queue up here until {@link #runTasks()}: "background" made deterministic. */
        private PerformanceCache deferred() {
            return PerformanceCache.builder().ticker(ticker).executor(tasks::add)
                    .scheduler(Scheduler.disabledScheduler())
                    .refreshAfter(R, Duration.ofMinutes(1)).build();
        }

        private void runTasks() {
            for (Runnable r; (r = tasks.poll()) != null;) {
                r.run();
            }
        }

        @Test
        void anOldEntryIsServedAtOnceAndReloadedInTheBackground() {
            PerformanceCache cache = deferred();
            AtomicInteger calls = new AtomicInteger();
            Supplier<String> loader = () -> "v" + calls.incrementAndGet();
            AtomicInteger laterLoaderCalls = new AtomicInteger();
            Supplier<String> laterLoader = () -> "later" + laterLoaderCalls.incrementAndGet();

            assertEquals("v1", cache.get(R, "k", loader));
            advance(Duration.ofSeconds(59));
            assertEquals("v1", cache.get(R, "k", laterLoader));
            runTasks();
            assertEquals(1, calls.get(), "refreshed before refresh-after");

            advance(Duration.ofMinutes(2));
            assertEquals("v1", cache.get(R, "k", laterLoader), "the read did not get the old value at once");
            assertEquals(1, calls.get(), "the reload ran on the reader's thread, not in the background");
            runTasks();
            assertEquals(2, calls.get(), "the entry's loader was not called again");
            assertEquals("v2", cache.get(R, "k", laterLoader));
            assertEquals(0, laterLoaderCalls.get(), "a hit ran the caller's loader instead of the kept one");
            CacheStatistics s = stats(cache, R);
            assertEquals(2, s.loads(), "the refresh counts as a load: " + s);
            assertEquals(0, s.loadFailures());
        }

        @Test
        void aRefreshedEntryLivesAFullTtlFromItsReload() {
            PerformanceCache cache = deferred();
            AtomicInteger calls = new AtomicInteger();
            cache.get(R, "k", () -> "v" + calls.incrementAndGet());
            advance(Duration.ofMinutes(9));
            assertEquals("v1", cache.get(R, "k", () -> "x"));
            runTasks();
            advance(Duration.ofMinutes(9)); // 18 minutes after the first load, 9 after the reload
            assertEquals("v2", cache.getIfPresent(R, "k"));
        }

        @Test
        void withADirectExecutorTheReloadRunsInTheReadAndThatReadSeesTheNewValue() {
            // Caffeine returns a refresh's value when the refresh completed before the read returned.
            PerformanceCache cache = builder().refreshAfter(R, Duration.ofMinutes(1)).build();
            AtomicInteger calls = new AtomicInteger();
            Supplier<String> loader = () -> "v" + calls.incrementAndGet();
            assertEquals("v1", cache.get(R, "k", loader));
            advance(Duration.ofMinutes(2));
            assertEquals("v2", cache.get(R, "k", loader));
            assertEquals(2, calls.get());
            assertEquals("v2", cache.get(R, "k", loader));
            assertEquals(2, calls.get(), "refreshed again right after a refresh");
        }

        @Test
        void aFailingReloadKeepsTheOldValueAndCountsAsALoadFailure() {
            PerformanceCache cache = deferred();
            AtomicInteger calls = new AtomicInteger();
            Supplier<String> loader = () -> {
                if (calls.incrementAndGet() > 1) {
                    throw new IllegalStateException("reload failed");
                }
                return "v1";
            };
            assertEquals("v1", cache.get(R, "k", loader));
            advance(Duration.ofMinutes(2));
            assertEquals("v1", cache.get(R, "k", loader));
            runTasks();
            assertEquals(2, calls.get(), "the reload did not run");
            assertEquals("v1", cache.get(R, "k", () -> "other"));
            assertEquals("v1", cache.getIfPresent(R, "k"));
            assertEquals(1, stats(cache, R).loadFailures());
        }

        @Test
        void aFailingReloadDoesNotKeepTheEntryBeyondTheTtlOfItsLastLoad() {
            PerformanceCache cache = deferred();
            AtomicInteger calls = new AtomicInteger();
            Supplier<String> loader = () -> {
                if (calls.incrementAndGet() > 1) {
                    throw new IllegalStateException("backend down");
                }
                return "v1";
            };
            assertEquals("v1", cache.get(R, "k", loader));
            advance(Duration.ofMinutes(2));
            assertEquals("v1", cache.get(R, "k", loader)); // the refresh, which fails
            runTasks();
            assertEquals(2, calls.get());
            advance(Duration.ofMinutes(8).minus(MS)); // 1 ms before the first load's TTL (10 minutes)
            assertEquals("v1", cache.getIfPresent(R, "k"));
            advance(MS.multipliedBy(2));
            assertNull(cache.getIfPresent(R, "k"), "a stale answer must not outlive its TTL because refreshing it failed");
        }

        @Test
        void anEntryWithNothingToReloadItWithExpiresOnTimeAndCountsNoFailure() {
            PerformanceCache cache = deferred();
            cache.put(R, "k", "put by hand");
            advance(Duration.ofMinutes(2));
            assertEquals("put by hand", cache.getIfPresent(R, "k")); // due for a refresh it cannot have
            runTasks();
            advance(Duration.ofMinutes(8).plus(MS));
            assertNull(cache.getIfPresent(R, "k"), "gone at its TTL, not ten minutes after the refresh");
            assertEquals(0, stats(cache, R).loadFailures());
        }

        @Test
        void aReloadGivingNullRemovesTheEntry() {
            PerformanceCache cache = deferred();
            AtomicInteger calls = new AtomicInteger();
            Supplier<String> loader = () -> calls.incrementAndGet() == 1 ? "v1" : null;
            assertEquals("v1", cache.get(R, "k", loader));
            advance(Duration.ofMinutes(2));
            assertEquals("v1", cache.get(R, "k", loader));
            runTasks();
            assertEquals(2, calls.get());
            assertNull(cache.getIfPresent(R, "k"));
        }

        @Test
        void categoriesWithoutRefreshAfterAreNotReloaded() {
            PerformanceCache cache = deferred();
            AtomicInteger calls = new AtomicInteger();
            Supplier<String> loader = () -> "v" + calls.incrementAndGet();
            String c = PerformanceCache.CONTEXT_CACHE;
            assertEquals("v1", cache.get(c, "k", loader));
            advance(Duration.ofMinutes(14));
            assertEquals("v1", cache.get(c, "k", loader));
            runTasks();
            assertEquals(1, calls.get());
        }
    }

    // ------------------------------------------------------------------ getAsync

    @Nested
    class Async {

        @Test
        void theFutureIsCachedAndEachCallerGetsItsOwnStage() {
            PerformanceCache cache = builder().build();
            CompletableFuture<String> source = new CompletableFuture<>();
            AtomicInteger calls = new AtomicInteger();
            Supplier<CompletableFuture<String>> loader = () -> {
                calls.incrementAndGet();
                return source;
            };
            CompletableFuture<String> a = cache.getAsync(R, "k", loader);
            CompletableFuture<String> b = cache.getAsync(R, "k", loader);
            assertEquals(1, calls.get(), "the second caller started another computation");
            assertNotSame(a, b);
            assertNotSame(source, a);
            assertFalse(a.isDone());

            source.complete("A");
            assertEquals("A", a.join());
            assertEquals("A", b.join());
            assertEquals("A", cache.getIfPresent(R, "k"));
            CompletableFuture<String> c = cache.getAsync(R, "k", loader);
            assertTrue(c.isDone());
            assertEquals("A", c.join());
            assertEquals(1, calls.get());
        }

        @Test
        void cancellingOrCompletingOneCallersStageTouchesNeitherTheOthersNorTheCache() {
            PerformanceCache cache = builder().build();
            CompletableFuture<String> source = new CompletableFuture<>();
            CompletableFuture<String> a = cache.getAsync(R, "k", () -> source);
            CompletableFuture<String> b = cache.getAsync(R, "k", () -> source);
            CompletableFuture<String> c = cache.getAsync(R, "k", () -> source);
            assertTrue(a.cancel(true));
            assertTrue(c.complete("mine"));
            assertFalse(source.isCancelled());
            assertFalse(b.isDone());

            source.complete("A");
            assertTrue(a.isCancelled());
            assertEquals("A", b.join());
            assertEquals("mine", c.join());
            assertEquals("A", cache.getIfPresent(R, "k"));
            assertEquals("A", cache.getAsync(R, "k", () -> CompletableFuture.completedFuture("B")).join());
        }

        @Test
        void aFailingStageIsRemovedAndCallersGetTheOriginalException() throws Exception {
            PerformanceCache cache = builder().build();
            CompletableFuture<String> source = new CompletableFuture<>();
            CompletableFuture<String> a = cache.getAsync(R, "k", () -> source);
            CompletableFuture<String> b = cache.getAsync(R, "k", () -> source);
            IllegalStateException boom = new IllegalStateException("boom");
            source.completeExceptionally(boom);

            for (CompletableFuture<String> f : List.of(a, b)) {
                assertTrue(f.isCompletedExceptionally());
                assertFalse(f.isCancelled(), "the failure reached the caller as a cancellation");
                ExecutionException e = assertThrows(ExecutionException.class, f::get);
                assertSame(boom, e.getCause(), "wrapped: " + e.getCause());
                CompletionException ce = assertThrows(CompletionException.class, f::join);
                assertSame(boom, ce.getCause());
            }
            assertNull(cache.getIfPresent(R, "k"));
            AtomicInteger calls = new AtomicInteger();
            CompletableFuture<String> again = cache.getAsync(R, "k", () -> {
                calls.incrementAndGet();
                return CompletableFuture.completedFuture("B");
            });
            assertEquals(1, calls.get(), "the failed future was still cached");
            assertEquals("B", again.join());
            assertEquals(1, stats(cache, R).loadFailures());
        }

        @Test
        void aLoadStillRunningNeverExpiresAndItsValueLivesAFullTtlFromCompletion() {
            PerformanceCache cache = builder().build();
            CompletableFuture<String> source = new CompletableFuture<>();
            CompletableFuture<String> a = cache.getAsync(R, "k", () -> source);
            advance(Duration.ofHours(2));
            AtomicInteger calls = new AtomicInteger();
            CompletableFuture<String> b = cache.getAsync(R, "k", () -> {
                calls.incrementAndGet();
                return CompletableFuture.completedFuture("other");
            });
            assertEquals(0, calls.get(), "the running load expired");
            source.complete("A");
            assertEquals("A", a.join());
            assertEquals("A", b.join());
            advance(Duration.ofMinutes(10).minus(MS));
            assertEquals("A", cache.getIfPresent(R, "k"), "the TTL did not start when the load completed");
            advance(MS.multipliedBy(2));
            assertNull(cache.getIfPresent(R, "k"));
        }

        @Test
        void aStageFailingInsideACompletionExceptionIsUnwrapped() {
            PerformanceCache cache = builder().build();
            IllegalStateException boom = new IllegalStateException("boom");
            CompletableFuture<String> f = cache.getAsync(R, "k", () -> CompletableFuture.supplyAsync(() -> {
                throw boom;
            }, Runnable::run));
            CompletionException e = assertThrows(CompletionException.class, f::join);
            assertSame(boom, e.getCause());
        }

        @Test
        void aLoaderThatThrowsSynchronouslyPassesItsExceptionAndCachesNothing() {
            PerformanceCache cache = builder().build();
            IllegalStateException boom = new IllegalStateException("boom");
            assertSame(boom, assertThrows(IllegalStateException.class, () -> cache.getAsync(R, "k", () -> {
                throw boom;
            })));
            assertEquals("B", cache.getAsync(R, "k", () -> CompletableFuture.completedFuture("B")).join());
        }

        @Test
        void aNullValueOrNullStageIsNotCached() {
            PerformanceCache cache = builder().build();
            assertNull(cache.getAsync(R, "k", () -> CompletableFuture.completedFuture(null)).join());
            assertNull(cache.getAsync(R, "n", () -> null).join());
            assertNull(cache.getIfPresent(R, "k"));
            assertEquals("B", cache.getAsync(R, "k", () -> CompletableFuture.completedFuture("B")).join());
            assertEquals("C", cache.getAsync(R, "n", () -> CompletableFuture.completedFuture("C")).join());
        }

        @Test
        @Timeout(20)
        void getWaitsForAnAsyncLoadAndGetsItsOriginalException() throws Exception {
            PerformanceCache cache = builder().build();
            pool = Executors.newSingleThreadExecutor();
            CompletableFuture<String> source = new CompletableFuture<>();
            cache.getAsync(R, "k", () -> source);
            AtomicInteger calls = new AtomicInteger();
            Future<Object> waiter = pool.submit(() -> cache.get(R, "k", () -> "own " + calls.incrementAndGet()));
            waitUntil(() -> cache.statistics(R).hits() == 1, "the get found the asynchronous load");
            assertFalse(waiter.isDone());
            IllegalStateException boom = new IllegalStateException("boom");
            source.completeExceptionally(boom);
            ExecutionException e = assertThrows(ExecutionException.class, () -> waiter.get(10, TimeUnit.SECONDS));
            assertSame(boom, e.getCause());
            assertEquals(0, calls.get());
            assertEquals("v", cache.get(R, "k", () -> "v"), "the failed entry is gone, so get loads again");
        }

        @Test
        void failureUnwrapsCompletionExecutionAndLoadFailureLayers() {
            IllegalStateException boom = new IllegalStateException("boom");
            assertSame(boom, CategoryCache.failure(boom));
            assertSame(boom, CategoryCache.failure(new CompletionException(boom)));
            assertSame(boom, CategoryCache.failure(new ExecutionException(boom)));
            assertSame(boom, CategoryCache.failure(new CategoryCache.LoadFailure(boom)));
            assertSame(boom, CategoryCache.failure(
                    new ExecutionException(new CompletionException(new CategoryCache.LoadFailure(boom)))));
            CancellationException cancelled = new CancellationException();
            assertSame(cancelled, CategoryCache.failure(cancelled), "a real cancellation is not a load's failure");
            CompletionException bare = new CompletionException("no cause", null);
            assertSame(bare, CategoryCache.failure(bare));
        }
    }

    // ------------------------------------------------------------------ invalidation

    @Nested
    class Invalidation {

        private PerformanceCache filled() {
            PerformanceCache cache = builder().build();
            for (String c : List.of(R, PerformanceCache.CONTEXT_CACHE, PerformanceCache.QUERY_ANALYSIS)) {
                cache.put(c, "a", c + "-a");
                cache.put(c, "b", c + "-b");
            }
            return cache;
        }

        @Test
        void invalidateRemovesOneKeyOfOneCategory() {
            PerformanceCache cache = filled();
            cache.invalidate(R, "a");
            assertNull(cache.getIfPresent(R, "a"));
            assertEquals(R + "-b", cache.getIfPresent(R, "b"));
            assertEquals("context_cache-a", cache.getIfPresent(PerformanceCache.CONTEXT_CACHE, "a"));
            AtomicInteger calls = new AtomicInteger();
            assertEquals("reloaded", cache.get(R, "a", () -> {
                calls.incrementAndGet();
                return "reloaded";
            }));
            assertEquals(1, calls.get());
        }

        @Test
        void invalidateCategoryRemovesOnlyThatCategory() {
            PerformanceCache cache = filled();
            cache.invalidateCategory(R);
            assertNull(cache.getIfPresent(R, "a"));
            assertNull(cache.getIfPresent(R, "b"));
            assertEquals(0, stats(cache, R).size());
            assertEquals("context_cache-b", cache.getIfPresent(PerformanceCache.CONTEXT_CACHE, "b"));
            assertEquals(2, stats(cache, PerformanceCache.QUERY_ANALYSIS).size());
        }

        @Test
        void invalidateAllRemovesEveryCategory() {
            PerformanceCache cache = filled();
            cache.invalidateAll();
            for (String c : List.of(R, PerformanceCache.CONTEXT_CACHE, PerformanceCache.QUERY_ANALYSIS)) {
                assertNull(cache.getIfPresent(c, "a"), c);
                assertNull(cache.getIfPresent(c, "b"), c);
                assertEquals(0, stats(cache, c).size(), c);
            }
        }

        @Test
        void puttingNullRemovesTheKey() {
            PerformanceCache cache = filled();
            cache.put(R, "a", null);
            assertNull(cache.getIfPresent(R, "a"));
            assertEquals(R + "-b", cache.getIfPresent(R, "b"));
            assertEquals(1, stats(cache, R).size());
        }

        @Test
        void putReplacesAValue() {
            PerformanceCache cache = filled();
            cache.put(R, "a", "new");
            assertEquals("new", cache.getIfPresent(R, "a"));
            assertEquals("new", cache.get(R, "a", () -> "loader"));
        }

        @Test
        void nullKeysAndLoadersAreRejected() {
            PerformanceCache cache = builder().build();
            assertThrows(NullPointerException.class, () -> cache.put(R, null, "v"));
            assertThrows(NullPointerException.class, () -> cache.get(R, null, () -> "v"));
            assertThrows(NullPointerException.class, () -> cache.get(R, "k", null));
            assertThrows(NullPointerException.class, () -> cache.getIfPresent(R, null));
            assertThrows(NullPointerException.class, () -> cache.invalidate(R, null));
            assertNotNull(cache.categories());
        }

        @Test
        void entriesLoadedByDifferentKeysAreIndependent() {
            PerformanceCache cache = builder().build();
            List<Object> values = IntStream.range(0, 10).mapToObj(i -> cache.get(R, i, () -> "v" + i))
                    .collect(Collectors.toList());
            for (int i = 0; i < 10; i++) {
                assertEquals("v" + i, values.get(i));
                assertEquals("v" + i, cache.getIfPresent(R, i));
            }
        }
    }
}
