package dev.toolwarden.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.CacheStatistics;
import dev.toolwarden.ExecutionKind;
import dev.toolwarden.bootstrap.Completion;
import dev.toolwarden.config.Configuration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The woven caches' Redis tier as woven code drives it: two runtimes of one application stand for
 * two instances, on the machine's Redis (127.0.0.1:6379).
 */
class SharedTierTest {

    private static ToolwardenRuntime instance(String application, String more) {
        Map<String, String> props = new java.util.HashMap<>(Map.of("toolwarden.redis.url", "redis://127.0.0.1:6379",
                "toolwarden.application", application, "toolwarden.cache.response_cache.l2", "redis",
                "toolwarden.jmx", "false", "toolwarden.db.url", "none"));
        if (!more.isEmpty()) {
            String[] kv = more.split("=", 2);
            props.put(kv[0], kv[1]);
        }
        return new ToolwardenRuntime(Configuration.load(null, props, Map.of()), false);
    }

    private static int register(ToolwardenRuntime r, String name, boolean async) {
        CallPolicy p = new CallPolicy(Duration.ZERO, Duration.ofSeconds(30), false, "response_cache", null, 0, null,
                List.of(0));
        return r.register(new MethodDescriptor(name, ExecutionKind.TOOL, "com.x.Shared#" + name + "(String)", p, async,
                "java.lang.String", true));
    }

    private static CacheStatistics stats(ToolwardenRuntime r) {
        return r.cacheStatistics().stream().filter(s -> s.category().equals("response_cache")).findFirst().orElseThrow();
    }

    /** Runs a call as woven code would: enter, then (when the body runs) exit with the body's value. */
    private static Object call(ToolwardenRuntime r, int id, String key, Object bodyValue) {
        Object entered = r.enterGuarded(id, null, null, new Object[] {key}, null);
        if (entered instanceof Completion c) {
            return c.value;
        }
        r.exitGuarded(entered, bodyValue, null, null, null, null);
        return bodyValue;
    }

    /**
     * Waits until one of the application's keys in Redis holds {@code value}, and returns all its
     * keys then. Writes go through one background thread in order, so once a later write is there,
     * every earlier one (or its absence) is final.
     */
    private static java.util.Set<String> awaitValue(String app, String value) throws InterruptedException {
        byte[] expected = ("TW\u0001" + value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (redis.clients.jedis.Jedis admin = new redis.clients.jedis.Jedis("127.0.0.1", 6379)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                java.util.Set<String> keys = admin.keys("toolwarden:" + app + ":*");
                keys.removeIf(k -> k.endsWith(":computing"));
                for (String k : keys) {
                    if (java.util.Arrays.equals(expected, admin.get(k.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
                        return keys;
                    }
                }
                assertTrue(System.nanoTime() < deadline, () -> "no value '" + value + "' in Redis within 5 s: " + keys);
                Thread.sleep(5);
            }
        }
    }

    @Test
    void aValueComputedByOneInstanceIsServedToTheOtherFromRedis() throws Exception {
        String app = "unit-" + UUID.randomUUID();
        ToolwardenRuntime a = instance(app, "");
        ToolwardenRuntime b = instance(app, "");
        int ida = register(a, "lookup", false);
        int idb = register(b, "lookup", false);
        assertEquals("computed by a", call(a, ida, "k", "computed by a"));
        assertEquals(1, awaitValue(app, "computed by a").size(), "a's value reached Redis");
        assertEquals("computed by a", call(b, idb, "k", "computed by b"), "b's body did not run");
        assertEquals(1, stats(b).l2Hits());
    }

    @Test
    void aValueWhoseLoadBeganBeforeAnInvalidationIsNotWrittenToRedis() throws Exception {
        String app = "unit-" + UUID.randomUUID();
        ToolwardenRuntime a = instance(app, "");
        ToolwardenRuntime b = instance(app, "");
        int ida = register(a, "lookup", false);
        int idb = register(b, "lookup", false);
        Object loading = a.enterGuarded(ida, null, null, new Object[] {"k"}, null);
        assertInstanceOf(ExecutionContext.class, loading, "a miss everywhere: a's body runs");
        a.invalidateCache("lookup", new Object[] {"k"}); // the data behind the answer changed meanwhile
        a.exitGuarded(loading, "stale", null, null, null, null);
        // A later value of a's, written after the stale one would have been: once it is there, the other is not.
        assertEquals("later", call(a, ida, "marker", "later"));
        assertEquals(1, awaitValue(app, "later").size(), "only the later value is in Redis");
        assertEquals("fresh", call(b, idb, "k", "fresh"), "b computes it: the stale value never reached Redis");
        assertEquals(0, stats(b).l2Hits());
    }

    @Test
    void aSynchronousCallWaitsForTheInstanceComputingItsKeyAnAsynchronousOneDoesNot() throws Exception {
        String app = "unit-" + UUID.randomUUID();
        String wait = "toolwarden.cache.response_cache.l2-wait=5s";
        ToolwardenRuntime a = instance(app, wait);
        ToolwardenRuntime sync = instance(app, wait);
        ToolwardenRuntime async = instance(app, wait);
        int ida = register(a, "ask", false);
        int idSync = register(sync, "ask", false);
        int idAsync = register(async, "ask", true); // the same method name, so the same shared key
        // Instance a's calls run on a thread of their own, as another JVM's would: calls open on one thread
        // are the enclosing calls of the next call made on that thread.
        java.util.concurrent.ExecutorService aThread = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            Object other = aThread.submit(() -> a.enterGuarded(ida, null, null, new Object[] {"k2"}, null)).get();
            assertInstanceOf(ExecutionContext.class, other, "a takes the right to compute k2");
            long start = System.nanoTime();
            Object entered = async.enterGuarded(idAsync, null, null, new Object[] {"k2"}, null);
            long asyncMillis = (System.nanoTime() - start) / 1_000_000;
            assertInstanceOf(ExecutionContext.class, entered, "the asynchronous call runs its body at once");
            assertTrue(asyncMillis < 200, "it asked Redis once and went on: " + asyncMillis + " ms");
            async.exitGuarded(entered, CompletableFuture.completedFuture("async's"), null, null, null, null);
            aThread.submit(() -> a.exitGuarded(other, "a's k2", null, null, null, null)).get();

            Object holding = aThread.submit(() -> a.enterGuarded(ida, null, null, new Object[] {"k"}, null)).get();
            assertInstanceOf(ExecutionContext.class, holding, "a takes the right to compute k");
            java.util.concurrent.Future<?> finisher = aThread.submit(() -> {
                try {
                    Thread.sleep(400);
                } catch (InterruptedException e) {
                    return;
                }
                a.exitGuarded(holding, "a's answer", null, null, null, null);
            });
            start = System.nanoTime();
            Object answer = call(sync, idSync, "k", "sync's own");
            long syncMillis = (System.nanoTime() - start) / 1_000_000;
            finisher.get();
            assertEquals("a's answer", answer, "the synchronous call waited for a's answer instead of computing it");
            assertTrue(syncMillis >= 300, "it waited: " + syncMillis + " ms");
        } finally {
            aThread.shutdownNow();
        }
    }

    @Test
    void aKeyValueWhoseOwnCodeFailsLeavesTheCallToRunWithoutRedis() {
        String app = "unit-" + UUID.randomUUID();
        ToolwardenRuntime a = instance(app, "");
        CallPolicy p = new CallPolicy(Duration.ZERO, Duration.ofSeconds(30), false, "response_cache", null, 0, null,
                List.of(0));
        int id = a.register(new MethodDescriptor("odd", ExecutionKind.TOOL, "com.x.Shared#odd(CharSequence)", p, false,
                "java.lang.String", true));
        CharSequence broken = new CharSequence() {
            @Override
            public int length() {
                return 1;
            }

            @Override
            public char charAt(int index) {
                return 'x';
            }

            @Override
            public CharSequence subSequence(int start, int end) {
                return this;
            }

            @Override
            public String toString() {
                throw new IllegalStateException("no text today");
            }
        };
        Object entered = a.enterGuarded(id, null, null, new Object[] {broken}, null);
        assertInstanceOf(ExecutionContext.class, entered, "the body runs, accounted");
        a.exitGuarded(entered, "fine", null, null, null, null);
        assertEquals(1, a.statistics("odd").orElseThrow().calls());
        assertTrue(a.internalErrors() >= 1, "the failure is counted as Toolwarden's own");
    }
}
