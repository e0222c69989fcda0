package dev.toolwarden.benchmarks;

import dev.toolwarden.CacheStatistics;
import dev.toolwarden.Toolwarden;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.Jedis;

/**
 * The shared cache tier, against the machine's Redis (127.0.0.1:6379), side by side in one run:
 * <ul>
 * <li>a woven hit in the JVM's own tier, with and without a Redis tier configured for its category
 * (each in its own fork, the agent's arguments differing only in that): the shared tier must add
 * nothing to a local hit;</li>
 * <li>a woven look-up that misses the local tier and is answered by Redis (10,000 keys written to
 * Redis first, a local tier of 64 entries, so nearly every call goes to Redis), sampled for its
 * percentiles; and, as the baseline, a raw Jedis {@code GET} of one of those keys.</li>
 * </ul>
 * {@code java -jar benchmarks/target/benchmarks.jar SharedCacheBenchmark}
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SharedCacheBenchmark {

    static final String REDIS = "redis.url=redis://127.0.0.1:6379,redis.timeout=1s,application=benchmark,";
    private static final int KEYS = 16;
    private static final int SHARED_KEYS = 10_000;

    /** Warm local keys of the response_cache category. */
    @State(Scope.Benchmark)
    public static class Local {
        final String[] queries = new String[KEYS];
        final Subjects.CachedLookup woven = new Subjects.CachedLookup();
        int i;

        /** Fills the local tier. */
        @Setup(Level.Trial)
        public void setUp() {
            if (!Toolwarden.agentAttached()) {
                throw new IllegalStateException("the Toolwarden agent is not attached: run from the repository root");
            }
            for (int k = 0; k < KEYS; k++) {
                queries[k] = "query number " + k;
                woven.lookup(queries[k]);
            }
            if (Toolwarden.cacheStatistics("response_cache").orElseThrow().size() != KEYS) {
                throw new IllegalStateException("the woven cache does not hold the warm keys");
            }
        }
    }

    /**
     * @param s the warm keys
     * @return a local hit, no shared tier configured
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Fork(value = 1, jvmArgsAppend = ToolCallBenchmark.AGENT + "accounting.cpu=off")
    public String localHitWithoutRedisTier(Local s) {
        return s.woven.lookup(s.queries[s.i++ & (KEYS - 1)]);
    }

    /**
     * @param s the warm keys
     * @return a local hit, the category having a Redis tier
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Fork(value = 1, jvmArgsAppend = ToolCallBenchmark.AGENT + "accounting.cpu=off," + REDIS
            + "cache.response_cache.l2=redis")
    public String localHitWithRedisTier(Local s) {
        return s.woven.lookup(s.queries[s.i++ & (KEYS - 1)]);
    }

    /** Keys written to Redis, to be read back through the woven method. */
    @State(Scope.Benchmark)
    public static class Shared {
        final String[] queries = new String[SHARED_KEYS];
        final Subjects.SharedLookup woven = new Subjects.SharedLookup();
        Jedis jedis;
        String rawKey;
        int i;
        long runsBefore;
        long l2HitsBefore;

        /** Writes every key to Redis through the woven method, and waits for the background writes. */
        @Setup(Level.Trial)
        public void setUp() throws InterruptedException {
            if (!Toolwarden.agentAttached()) {
                throw new IllegalStateException("the Toolwarden agent is not attached: run from the repository root");
            }
            jedis = new Jedis("127.0.0.1", 6379);
            for (int k = 0; k < SHARED_KEYS; k++) {
                queries[k] = "shared query " + k;
                woven.lookup(queries[k]);
            }
            Thread.sleep(2000);
            rawKey = jedis.keys("toolwarden:benchmark:shared_bench:*").stream().findFirst()
                    .orElseThrow(() -> new IllegalStateException("nothing was written to Redis"));
            runsBefore = Subjects.SharedLookup.RUNS.sum();
            l2HitsBefore = stats().l2Hits();
        }

        static CacheStatistics stats() {
            return Toolwarden.cacheStatistics("shared_bench").orElseThrow();
        }

        /** Says how the look-ups were answered, so that a run that measured something else shows it. */
        @TearDown(Level.Trial)
        public void tearDown() {
            CacheStatistics s = stats();
            System.out.println("\n[shared tier] bodies run during measurement: " + (Subjects.SharedLookup.RUNS.sum() - runsBefore)
                    + ", answered by Redis: " + (s.l2Hits() - l2HitsBefore) + ", local hits: " + s.hits()
                    + ", unavailable: " + s.l2Unavailable());
            jedis.close();
        }
    }

    /**
     * @param s keys in Redis
     * @return a woven call answered by the Redis tier
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Fork(value = 1, jvmArgsAppend = ToolCallBenchmark.AGENT + "accounting.cpu=off,cache.max-size=64," + REDIS
            + "cache.shared_bench.l2=redis")
    public String redisTierHit(Shared s) {
        int k = s.i;
        s.i = (k + 7919) % SHARED_KEYS; // a stride, so that the local tier's recent keys are not asked again soon
        return s.woven.lookup(s.queries[k]);
    }

    /**
     * @param s a key in Redis
     * @return the same look-up done by hand: one GET
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Fork(value = 1, jvmArgsAppend = ToolCallBenchmark.AGENT + "accounting.cpu=off,cache.max-size=64," + REDIS
            + "cache.shared_bench.l2=redis")
    public byte[] rawJedisGet(Shared s) {
        return s.jedis.get(s.rawKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
