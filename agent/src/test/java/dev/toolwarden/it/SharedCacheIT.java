package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.FleetMetrics;
import com.example.apps.SharedCacheTools;
import com.example.apps.Tripwire;
import dev.toolwarden.cache.l2.KeyHash;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The shared second tier in Redis and the fleet-wide metrics store, with several child JVMs at once:
 * the machine's Redis (127.0.0.1:6379) for sharing, a Redis of the test's own for the outage, and
 * the machine's PostgreSQL for metrics. Each test names its own application, so that runs never see
 * each other's keys or rows.
 */
class SharedCacheIT {

    private static final String SHARED_REDIS = "redis://127.0.0.1:6379";
    /**
     * Threads of their own for the children that run at once: the common pool has one thread on a
     * two-core machine, and two children that wait for each other would run one after the other.
     */
    private static final java.util.concurrent.ExecutorService CHILDREN = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "child-jvm");
        t.setDaemon(true);
        return t;
    });
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";

    private static final Path JACKSON = ChildJvm.jarOf(com.fasterxml.jackson.databind.ObjectMapper.class);
    private static final Path JACKSON_CORE = ChildJvm.jarOf(com.fasterxml.jackson.core.JsonFactory.class);
    private static final Path JACKSON_ANNOTATIONS = ChildJvm.jarOf(com.fasterxml.jackson.annotation.JsonProperty.class);

    private static String application() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ChildJvm instance(String application, String redis, String role, Path dir, String more) {
        return ChildJvm.app(SharedCacheTools.class)
                .classpath(JACKSON, JACKSON_CORE, JACKSON_ANNOTATIONS)
                .agentArguments("application=" + application + ",redis.url=" + redis + ",cache.shared.l2=redis,"
                        + "cache.fleet.l2=redis,cache.fleet.l2-wait=5s,monitor.interval=200ms" + more)
                .args(role, dir.toString());
    }

    private static Path folder() throws Exception {
        return Files.createTempDirectory(ChildJvm.workFile("shared").getParent(), "shared");
    }

    @Test
    void anAnswerComputedInOneInstanceIsServedFromRedisInAnotherAndInvalidationReachesBoth() throws Exception {
        String app = application();
        Path dir = folder();
        CompletableFuture<ChildResult> first = CompletableFuture.supplyAsync(() -> instance(app, SHARED_REDIS, "first", dir, "").recording().run(), CHILDREN);
        ChildResult second = instance(app, SHARED_REDIS, "second", dir, "").recording().run();
        ChildResult one = first.get();
        Map<String, String> a = one.values();
        Map<String, String> b = second.values();

        assertEquals("answer to weather", b.get("second.lookup"), second::describe);
        assertEquals("0", b.get("second.runs.lookup"), "served from Redis: the body did not run in the second JVM");
        assertEquals("for alice: capital?", b.get("second.aliceAnswer"));
        assertEquals("for bob: capital?", b.get("second.bobAnswer"), "bob never gets alice's answer");
        assertEquals("1", b.get("second.runs.answer"), "bob's ran, alice's came from Redis");
        assertEquals("Forecast[city=Paris, celsius=5] Forecast", b.get("second.forecast"), "a record, as JSON by Jackson");
        assertEquals("0", b.get("second.runs.forecast"));
        assertEquals("on time", b.get("second.quote"));
        assertEquals("0", b.get("second.runs.quote"), "a registered codec carried it");
        assertEquals("about x", b.get("second.opaque"));
        assertEquals("1", b.get("second.runs.opaque"), "no codec: each JVM computes its own");
        assertEquals("later: rain", b.get("second.async"));
        assertEquals("0", b.get("second.runs.asyncLookup"), "an asynchronous method's value is shared too");
        assertEquals("5", b.get("second.count"));
        assertEquals("0", b.get("second.runs.count"));
        assertTrue(second.stderr().contains("SharedCacheTools#opaque(String)") && second.stderr().contains("have no codec"),
                "the L1-only method is named once: " + second.stderr());
        assertFalse(second.stderr().contains("SLF4J"), "the agent's libraries print nothing into the application's output");
        // l2 / hits / misses / unavailable / decode failures
        assertEquals("true/6/1/0/0", b.get("second.l2"), "six answers from Redis, bob's a miss (opaque asks nothing)");

        assertEquals("true", a.get("first.emptied"), () -> "the other instance's invalidation emptied this one: " + one.describe());
        assertEquals("2", a.get("first.lookupRuns"), "after the invalidation the first instance computes again");
        List<RecordedEvent> stats = one.events("toolwarden.CacheStatistics");
        assertTrue(stats.stream().anyMatch(e -> e.getString("category").equals("shared") && e.getLong("l2Misses") >= 6),
                () -> "the statistics events carry the tier's figures: " + stats);

        // The report merges the two instances' recordings: both JVMs' calls of a tool add up.
        dev.toolwarden.report.Report merged = dev.toolwarden.report.RecordingReader.read(
                List.of(one.recording(), second.recording()));
        dev.toolwarden.report.Report.ToolSummary lookup = merged.tools().stream().filter(t -> t.name().equals("lookup"))
                .findFirst().orElseThrow();
        assertEquals(3, lookup.calls(), "two calls in the first instance, one in the second");
        assertEquals(1, lookup.cacheHits(), "the second instance's call was answered by Redis, a hit");
    }

    @Test
    void redisGoingAwayFailsNoCallAndTheTierResumesWhenItIsBack() throws Exception {
        String app = application();
        Path dir = folder();
        try (RedisServer redis = new RedisServer()) {
            redis.start();
            CompletableFuture<ChildResult> child = CompletableFuture.supplyAsync(() -> instance(app, redis.url(), "outage",
                    dir, ",redis.timeout=100ms,redis.retry=200ms").recording().run(), CHILDREN);
            awaitFile(dir.resolve("phase1"), child);
            redis.stop();
            Files.writeString(dir.resolve("stopped"), "x");
            awaitFile(dir.resolve("phase2"), child);
            redis.start();
            Files.writeString(dir.resolve("restarted"), "x");
            awaitFile(dir.resolve("phase3"), child);
            String key;
            try (Jedis j = new Jedis("127.0.0.1", redis.port)) {
                key = j.keys("toolwarden:" + app + ":shared:*").toString();
            }
            ChildResult r = child.get();
            Map<String, String> v = r.values();
            assertEquals("0", v.get("outage.failures"), r::describe);
            assertTrue(Long.parseLong(v.get("outage.worstMillis")) < 1000,
                    "no call waits long for a Redis that is gone: " + v.get("outage.worstMillis") + " ms");
            assertEquals("true", v.get("outage.repeatServedLocally"), "the JVM's own tier still serves");
            String[] during = v.get("outage.during.l2").split("/");
            assertTrue(Long.parseLong(during[3]) >= 49, "look-ups while down count as unavailable: " + v.get("outage.during.l2"));
            assertEquals(1, r.agentWarnings().stream().filter(l -> l.contains("Redis redis://")).count(),
                    () -> "one line for the outage: " + r.agentWarnings());
            assertTrue(r.agentWarnings().stream().anyMatch(l -> l.contains("Redis") && l.contains("cannot be reached")),
                    r::describe);
            assertTrue(r.stderr().contains("answers again"), r::describe);
            String[] after = v.get("outage.after.l2").split("/");
            assertTrue(Long.parseLong(after[2]) > Long.parseLong(during[2]), "look-ups reach Redis again: " + v.get("outage.after.l2"));
            assertTrue(key.contains(":shared:" + SharedCacheTools.class.getName() + "#lookup(String):"),
                    "values are written to the restarted (empty) Redis again: " + key);
            List<RecordedEvent> alerts = r.events("toolwarden.ResourceAlert").stream()
                    .filter(e -> e.getString("resource").equals("CACHE_L2")).toList();
            assertEquals(2, alerts.size(), () -> "raised and cleared: " + alerts);
        }
    }

    @Test
    void aPoisonedValueIsAMissAndIsNeverDeserialised() throws Exception {
        String app = application();
        Path dir = folder();
        ByteArrayOutputStream serialized = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(serialized)) {
            out.writeObject(new Tripwire());
        }
        byte[] headed = new byte[serialized.size() + 3];
        headed[0] = 'T';
        headed[1] = 'W';
        headed[2] = 1;
        System.arraycopy(serialized.toByteArray(), 0, headed, 3, serialized.size());
        String prefix = "toolwarden:" + app + ":shared:" + SharedCacheTools.class.getName();
        try (Jedis j = new Jedis("127.0.0.1", 6379)) {
            j.setex(key(prefix + "#lookup(String):", "poison"), 60, serialized.toByteArray());
            j.setex(key(prefix + "#forecast(String):", "Oslo"), 60, headed);
            j.setex(key(prefix + "#quote(String):", "poison"), 60, "TW\u0001not a quote".getBytes(StandardCharsets.UTF_8));
        }
        ChildResult r = instance(app, SHARED_REDIS, "poisoned", dir, "").run();
        Map<String, String> v = r.values();
        assertEquals("answer to poison", v.get("poisoned.lookup"), r::describe);
        assertEquals("Forecast[city=Oslo, celsius=4]", v.get("poisoned.forecast"));
        assertEquals("on poison", v.get("poisoned.quote"));
        assertEquals("3", v.get("poisoned.runs"), "each poisoned key ran its body");
        assertEquals("true/0/0/0/3", v.get("poisoned.l2"), "three decode failures, counted, no hit");
        assertFalse(r.stdout().contains("TRIPWIRE"), "nothing from Redis is ever Java-deserialised");
        assertEquals(0, r.agentErrors().size());
    }

    private static byte[] key(String prefix, Object... values) {
        return (prefix + KeyHash.of(values, null)).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void twoInstancesAskingForTheSameSlowAnswerComputeItOnce() throws Exception {
        String app = application();
        Path dir = folder();
        CompletableFuture<ChildResult> a = CompletableFuture.supplyAsync(() -> instance(app, SHARED_REDIS, "racer", dir, "").run(), CHILDREN);
        CompletableFuture<ChildResult> b = CompletableFuture.supplyAsync(() -> instance(app, SHARED_REDIS, "racer", dir, "").run(), CHILDREN);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (Files.list(dir).filter(p -> p.getFileName().toString().startsWith("ready-")).count() < 2) {
            assertTrue(System.nanoTime() < deadline, "both instances ready");
            Thread.sleep(20);
        }
        Files.writeString(dir.resolve("go"), "x");
        Map<String, String> va = a.get().values();
        Map<String, String> vb = b.get().values();
        assertEquals("completion of the same question", va.get("racer.answer"), a.get()::describe);
        assertEquals("completion of the same question", vb.get("racer.answer"), b.get()::describe);
        assertEquals(1, Integer.parseInt(va.get("racer.runs")) + Integer.parseInt(vb.get("racer.runs")),
                "one instance ran the 800 ms body, the other waited for its answer");
    }

    @Test
    void twoInstancesWritingMetricsToOneDatabaseLoseNoCall() throws Exception {
        String app = application();
        String agent = "application=" + app + ",db.url=" + PG + ",db.user=postgres,db.flush-interval=100ms";
        CompletableFuture<ChildResult> a = CompletableFuture.supplyAsync(() -> ChildJvm.app(FleetMetrics.class).agentArguments(agent).args("300").run(), CHILDREN);
        CompletableFuture<ChildResult> b = CompletableFuture.supplyAsync(() -> ChildJvm.app(FleetMetrics.class).agentArguments(agent).args("500").run(), CHILDREN);
        assertEquals("300", a.get().values().get("done"), a.get()::describe);
        assertEquals("500", b.get().values().get("done"), b.get()::describe);
        try (Connection c = DriverManager.getConnection(PG, "postgres", "");
                PreparedStatement s = c.prepareStatement("SELECT tool, calls, errors FROM toolwarden_tool_metrics "
                        + "WHERE application = ? ORDER BY tool")) {
            s.setString(1, app);
            StringBuilder rows = new StringBuilder();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.append(rs.getString(1)).append('=').append(rs.getLong(2)).append('/').append(rs.getLong(3)).append(' ');
                }
            }
            assertEquals("fleet.failing=800/400 fleet.work=800/0 ", rows.toString(), "the sums of both instances, exactly");
        }
        ChildResult reader = ChildJvm.app(FleetMetrics.class).agentArguments(agent).args("read").run();
        assertEquals("800/0", reader.values().get("all.fleet.work"), reader::describe);
        assertEquals("800/400", reader.values().get("all.fleet.failing"));
        assertEquals("fleet.work,fleet.failing", reader.values().get("ranked"), "ranking reads the fleet's totals");
    }

    private static void awaitFile(Path file, CompletableFuture<ChildResult> child) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(file)) {
            if (child.isDone()) {
                throw new AssertionError("the child ended before " + file.getFileName() + ": " + child.get().describe());
            }
            assertTrue(System.nanoTime() < deadline, "no " + file.getFileName() + " within 60 s");
            Thread.sleep(20);
        }
    }
}
