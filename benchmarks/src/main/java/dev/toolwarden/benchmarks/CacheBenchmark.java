package dev.toolwarden.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The hit path of a cache, four ways, all answering the same 16 warm keys in turn: a woven
 * {@code @Cached} tool; a hand-written Caffeine {@code getIfPresent} with an equivalent key built
 * per call; Spring's {@code @Cacheable} on a {@code CaffeineCacheManager}; and the direct call with
 * no cache. With the agent attached (CPU time off), in one JVM. Plus the woven hit's throughput on
 * two threads. {@code java -jar benchmarks/target/benchmarks.jar CacheBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = ToolCallBenchmark.AGENT + "accounting.cpu=off")
@State(Scope.Benchmark)
public class CacheBenchmark {

    private static final int KEYS = 16;

    private final String[] queries = new String[KEYS];
    private final Subjects.CachedLookup woven = new Subjects.CachedLookup();
    private final Subjects.Plain plain = new Subjects.Plain();
    private Cache<QueryKey, String> caffeine;
    private AnnotationConfigApplicationContext spring;
    private SpringLookup springLookup;
    private int i;

    /** The key a hand-written cache would build per call: the query, as the woven key holds it. */
    record QueryKey(String query) {
    }

    /** A bean whose method Spring caches. */
    public static class SpringLookup {
        /**
         * @param query a query
         * @return its answer
         */
        @Cacheable("response_cache")
        public String lookup(String query) {
            return "answer to " + query;
        }
    }

    /** Spring's cache set-up: Caffeine behind Spring's cache abstraction. */
    @Configuration
    @EnableCaching
    public static class SpringConfig {
        /** @return the cache manager */
        @Bean
        public CaffeineCacheManager cacheManager() {
            CaffeineCacheManager m = new CaffeineCacheManager("response_cache");
            m.setCaffeine(Caffeine.newBuilder().maximumSize(1000).expireAfterWrite(10, TimeUnit.MINUTES));
            return m;
        }

        /** @return the cached bean */
        @Bean
        public SpringLookup springLookup() {
            return new SpringLookup();
        }
    }

    /** Fills every cache with the same keys. */
    @Setup(Level.Trial)
    public void setUp() {
        if (!dev.toolwarden.Toolwarden.agentAttached()) {
            throw new IllegalStateException("the Toolwarden agent is not attached: run from the repository root");
        }
        caffeine = Caffeine.newBuilder().maximumSize(1000).expireAfterWrite(10, TimeUnit.MINUTES).build();
        spring = new AnnotationConfigApplicationContext(SpringConfig.class);
        springLookup = spring.getBean(SpringLookup.class);
        for (int k = 0; k < KEYS; k++) {
            queries[k] = "query number " + k;
            woven.lookup(queries[k]);
            caffeine.put(new QueryKey(queries[k]), "answer to " + queries[k]);
            springLookup.lookup(queries[k]);
        }
        if (dev.toolwarden.Toolwarden.cacheStatistics("response_cache").orElseThrow().size() != KEYS) {
            throw new IllegalStateException("the woven cache does not hold the warm keys");
        }
    }

    /** Closes Spring. */
    @TearDown(Level.Trial)
    public void tearDown() {
        spring.close();
    }

    private String next() {
        return queries[i++ & (KEYS - 1)];
    }

    /** @return a direct call, no cache */
    @Benchmark
    public int directCall() {
        return plain.noop(i++);
    }

    /** @return a hit of the woven {@code @Cached} tool */
    @Benchmark
    public String wovenHit() {
        return woven.lookup(next());
    }

    /** @return a hand-written hit: a key built per call and Caffeine's getIfPresent */
    @Benchmark
    public String caffeineGetIfPresent() {
        return caffeine.getIfPresent(new QueryKey(next()));
    }

    /** @return a hit of Spring's {@code @Cacheable} on Caffeine */
    @Benchmark
    public String springCacheable() {
        return springLookup.lookup(next());
    }

    /** Per-thread key rotation for the two-thread throughput run. */
    @State(Scope.Thread)
    public static class PerThread {
        int j;
    }

    /**
     * @param t this thread's position among the keys
     * @return woven hits, as throughput on two threads
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(2)
    @OperationsPerInvocation(1)
    public String wovenHitThroughputTwoThreads(PerThread t) {
        return woven.lookup(queries[t.j++ & (KEYS - 1)]);
    }
}
