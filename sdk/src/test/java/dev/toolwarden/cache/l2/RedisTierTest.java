package dev.toolwarden.cache.l2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.toolwarden.Alert;
import dev.toolwarden.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * {@link RedisTier} against real servers: the machine's Redis on 127.0.0.1:6379 (shared: every test
 * uses applications of its own, random names, and deletes their keys), and redis-server processes
 * of the test's own on free ports, stopped and started again for the outage tests.
 */
class RedisTierTest {

    private static final String SHARED = "redis://127.0.0.1:6379";
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration RETRY = Duration.ofMillis(200);
    /** The outage tests: short, as configured in production for a local Redis. */
    private static final Duration OUTAGE_TIMEOUT = Duration.ofMillis(200);

    private final List<RedisTier> tiers = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<RedisServer> servers = new ArrayList<>();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() {
        Log.setOutput(new PrintStream(logged, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            for (RedisTier t : tiers) {
                t.close();
            }
            for (RedisServer s : servers) {
                s.close();
            }
            try (Jedis admin = new Jedis("127.0.0.1", 6379)) {
                for (int db : new int[] {0, 5}) {
                    admin.select(db);
                    for (String ns : namespaces) {
                        deleteAll(admin, ns);
                    }
                }
            }
        } finally {
            Log.setOutput(System.err);
        }
    }

    private static void deleteAll(Jedis j, String prefix) {
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(glob(prefix) + "*").count(1000);
        do {
            ScanResult<String> page = j.scan(cursor, match);
            if (!page.getResult().isEmpty()) {
                j.del(page.getResult().toArray(new String[0]));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }

    private static String glob(String s) {
        return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    private String log() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    private int logLines(String... parts) {
        int n = 0;
        for (String line : log().split("\n")) {
            if (Arrays.stream(parts).allMatch(line::contains)) {
                n++;
            }
        }
        return n;
    }

    private static String application(String what) {
        return "rtt-" + what + "-" + UUID.randomUUID();
    }

    private RedisTier tier(String url, String application, Duration timeout, List<Alert> alerts, Recorder listener) {
        namespaces.add("toolwarden:" + application + ":");
        RedisTier t = new RedisTier(url, application, timeout, RETRY, alerts::add, listener);
        tiers.add(t);
        return t;
    }

    private RedisTier shared(String application, Recorder listener) {
        return tier(SHARED, application, TIMEOUT, new CopyOnWriteArrayList<>(), listener);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void waitUntil(BooleanSupplier condition, Duration bound, String what) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + bound.toMillis() + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }

    private static byte[] awaitValue(RedisTier t, String key) throws InterruptedException {
        byte[][] found = new byte[1][];
        waitUntil(() -> (found[0] = t.get(key)) != null, Duration.ofSeconds(3), key + " written");
        assertNotSame(RedisTier.UNAVAILABLE, found[0]);
        return found[0];
    }

    private static void awaitSubscribed(RedisTier... ts) throws InterruptedException {
        for (RedisTier t : ts) {
            waitUntil(t::subscribed, Duration.ofSeconds(5), "subscribed to the invalidation channel");
        }
    }

    /** What another instance's messages asked of a tier, in order. */
    static final class Recorder implements RedisTier.Listener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final AtomicInteger missed = new AtomicInteger();

        @Override
        public void key(String key) {
            events.add("key " + key);
        }

        @Override
        public void tool(String tool) {
            events.add("tool " + tool);
        }

        @Override
        public void category(String category) {
            events.add("category " + category);
        }

        @Override
        public void missedMessages() {
            missed.incrementAndGet();
            events.add("missed");
        }

        String next() throws InterruptedException {
            String e = events.poll(5, TimeUnit.SECONDS);
            assertNotNull(e, "no message within 5 s");
            return e;
        }
    }

    /** A Redis server of the test's own, on a free port, that the test can stop and start again. */
    static final class RedisServer implements AutoCloseable {
        final int port;
        private final Path dir;
        private Process process;

        RedisServer() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            dir = Files.createTempDirectory("toolwarden-redis-test");
        }

        String url() {
            return "redis://127.0.0.1:" + port;
        }

        Jedis client() {
            return new Jedis("127.0.0.1", port, 2000);
        }

        void start() throws Exception {
            process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (Jedis j = new Jedis("127.0.0.1", port, 200)) {
                    j.ping();
                    return;
                } catch (RuntimeException e) {
                    if (System.nanoTime() > deadline || !process.isAlive()) {
                        throw new IllegalStateException("redis-server did not start on port " + port + ": "
                                + Files.readString(dir.resolve("redis.log")), e);
                    }
                    Thread.sleep(20);
                }
            }
        }

        void stop() throws InterruptedException {
            if (process != null) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                process = null;
            }
        }

        @Override
        public void close() throws Exception {
            stop();
            try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private RedisServer server() throws IOException {
        RedisServer s = new RedisServer();
        servers.add(s);
        return s;
    }

    // ------------------------------------------------------------------ construction

    @Test
    void aUrlThatIsNotRedisIsRefusedAndDescribeShowsNoCredentials() {
        for (String bad : List.of("http://127.0.0.1:6379", "127.0.0.1:6379", "redis:///0", "redis://")) {
            assertThrows(IllegalArgumentException.class,
                    () -> new RedisTier(bad, "x", TIMEOUT, RETRY, a -> { }, new Recorder()), bad);
        }
        String app = application("describe");
        RedisTier t = tier("redis://someone:s3cret@127.0.0.1:6379/5", app, TIMEOUT, new CopyOnWriteArrayList<>(),
                new Recorder());
        assertEquals("redis://127.0.0.1:6379/5", t.describe());
        assertEquals("toolwarden:" + app + ":", t.namespace());
        RedisTier noPort = tier("rediss://127.0.0.1", app, TIMEOUT, new CopyOnWriteArrayList<>(), new Recorder());
        assertEquals("rediss://127.0.0.1:6379", noPort.describe(), "the default port");
    }

    // ------------------------------------------------------------------ reads and writes

    @Test
    void aValueSetIsReadBackAndAMissingKeyIsNullNotUnavailable() throws Exception {
        RedisTier t = shared(application("set"), new Recorder());
        String k = t.namespace() + "cat:m:key";
        assertNull(t.get(k));
        byte[] value = {0, 1, (byte) 0xFF, 'T', 'W'};
        t.set(k, value, Duration.ofMinutes(1));
        assertArrayEquals(value, awaitValue(t, k));
        assertTrue(t.up());
        waitUntil(() -> t.writes()[0] == 1, Duration.ofSeconds(2), "the write counted");
        assertEquals(0, t.writes()[1], "nothing dropped");
        assertEquals(0, t.failures());

        // An empty value is a value, and never the UNAVAILABLE sentinel.
        try (Jedis admin = new Jedis("127.0.0.1", 6379)) {
            admin.set(t.namespace() + "empty", "");
        }
        byte[] empty = t.get(t.namespace() + "empty");
        assertNotNull(empty);
        assertEquals(0, empty.length);
        assertNotSame(RedisTier.UNAVAILABLE, empty);

        // A later set replaces the value.
        t.set(k, bytes("second"), Duration.ofMinutes(1));
        waitUntil(() -> Arrays.equals(bytes("second"), t.get(k)), Duration.ofSeconds(3), "the value replaced");
    }

    @Test
    void aWriteNoLongerValidWhenItsTurnComesIsDropped() throws Exception {
        RedisTier t = shared(application("stale-write"), new Recorder());
        String stale = t.namespace() + "stale";
        String fresh = t.namespace() + "fresh";
        java.util.concurrent.atomic.AtomicBoolean valid = new java.util.concurrent.atomic.AtomicBoolean(true);
        valid.set(false); // an invalidation between the load's check and the write's turn
        t.set(stale, bytes("before the invalidation"), Duration.ofMinutes(1), valid::get);
        t.set(fresh, bytes("after"), Duration.ofMinutes(1), () -> true);
        awaitValue(t, fresh); // written after the stale one, by the same thread
        assertNull(t.get(stale), "a value loaded before an invalidation never reaches Redis");
        waitUntil(() -> t.writes()[0] == 1, Duration.ofSeconds(2), "the fresh write counted");
        assertEquals(1, t.writes()[1], "the stale one counted as dropped");
    }

    @Test
    void aRedisThatRefusesTheSubscriptionKeepsTheTierOffWithoutFlappingUntilItAcceptsIt() throws Exception {
        RedisServer server = server();
        server.start();
        try (Jedis admin = server.client()) {
            // A user allowed every key and command but pub/sub, as ACL users without channel rights are.
            admin.aclSetUser("nosub", "on", ">pw", "~*", "+@all", "-subscribe", "-publish");
        }
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        String app = application("nosub");
        RedisTier t = tier("redis://nosub:pw@127.0.0.1:" + server.port, app, OUTAGE_TIMEOUT, alerts, new Recorder());
        waitUntil(() -> !t.up(), Duration.ofSeconds(5), "the tier turned off");
        Thread.sleep(6 * RETRY.toMillis()); // several retry intervals: the probe would bring it back and lose it again
        assertFalse(t.up());
        assertSame(RedisTier.UNAVAILABLE, t.get(t.namespace() + "k"), "reads go on without the shared tier");
        assertEquals(1, logLines("refuses the subscription"), log());
        assertEquals(0, logLines("answers again"), log());
        assertEquals(1, alerts.size(), alerts::toString);
        assertEquals("CACHE_L2", alerts.get(0).resource());
        assertFalse(alerts.get(0).cleared());

        try (Jedis admin = server.client()) {
            admin.aclSetUser("nosub", "+subscribe", "+publish", "&*"); // the permissions granted
        }
        waitUntil(t::up, Duration.ofSeconds(5), "the tier back once the subscription is accepted");
        awaitSubscribed(t);
        assertEquals(1, logLines("answers again"), log());
        assertTrue(alerts.get(alerts.size() - 1).cleared());
    }

    @Test
    void aValueExpiresWithTheTtlGivenToSet() throws Exception {
        RedisTier t = shared(application("ttl"), new Recorder());
        String k = t.namespace() + "long";
        String shortLived = t.namespace() + "short";
        t.set(k, bytes("v"), Duration.ofSeconds(30));
        t.set(shortLived, bytes("v"), Duration.ofMillis(700));
        awaitValue(t, shortLived); // written after k, by the same thread: both are there now
        try (Jedis admin = new Jedis("127.0.0.1", 6379)) {
            long pttl = admin.pttl(k);
            assertTrue(pttl > 28_000 && pttl <= 30_000, "PTTL " + pttl);
            long shortTtl = admin.pttl(shortLived);
            assertTrue(shortTtl > 0 && shortTtl <= 700, "PTTL " + shortTtl);
        }
        waitUntil(() -> t.get(shortLived) == null, Duration.ofSeconds(3), "expired by Redis");
        assertNotNull(t.get(k));
    }

    @Test
    void theDatabaseOfTheUrlIsTheOneUsed() throws Exception {
        String app = application("db");
        RedisTier t = tier(SHARED + "/5", app, TIMEOUT, new CopyOnWriteArrayList<>(), new Recorder());
        String k = t.namespace() + "k";
        t.set(k, bytes("in five"), Duration.ofMinutes(1));
        awaitValue(t, k);
        try (Jedis admin = new Jedis("127.0.0.1", 6379)) {
            assertFalse(admin.exists(k), "not in database 0");
            admin.select(5);
            assertEquals("in five", admin.get(k));
        }
    }

    // ------------------------------------------------------------------ computing right

    @Test
    void theRightToComputeAKeyIsExclusiveAndOnlyItsHolderGivesItBack() throws Exception {
        String app = application("lock");
        RedisTier a = shared(app, new Recorder());
        RedisTier b = shared(app, new Recorder());
        String k = a.namespace() + "cat:m:key";
        assertFalse(a.computing(k));
        assertTrue(a.tryLock(k, Duration.ofSeconds(10)));
        assertFalse(b.tryLock(k, Duration.ofSeconds(10)), "another instance of the application");
        assertFalse(a.tryLock(k, Duration.ofSeconds(10)), "not re-entrant: a second call of the same instance waits too");
        assertTrue(a.computing(k));
        assertTrue(b.computing(k));
        try (Jedis admin = new Jedis("127.0.0.1", 6379)) {
            long pttl = admin.pttl(k + ":computing");
            assertTrue(pttl > 8_000 && pttl <= 10_000, "the right lasts its ttl at most: " + pttl);
        }

        // b cannot give back a's right. Unlock is queued: a write after it shows it has run.
        b.unlock(k);
        b.set(a.namespace() + "marker", bytes("m"), Duration.ofMinutes(1));
        awaitValue(b, a.namespace() + "marker");
        assertTrue(b.computing(k), "still held");
        assertFalse(b.tryLock(k, Duration.ofSeconds(10)));

        a.unlock(k);
        waitUntil(() -> !b.computing(k), Duration.ofSeconds(3), "a gave its right back");
        assertTrue(b.tryLock(k, Duration.ofSeconds(10)), "now b may compute");
        assertFalse(a.tryLock(k, Duration.ofSeconds(10)));
        b.unlock(k);
        waitUntil(() -> !a.computing(k), Duration.ofSeconds(3), "b gave its right back");
    }

    @Test
    void aRightThatIsNeverGivenBackExpires() throws Exception {
        String app = application("lock-ttl");
        RedisTier a = shared(app, new Recorder());
        RedisTier b = shared(app, new Recorder());
        String k = a.namespace() + "k";
        assertTrue(a.tryLock(k, Duration.ofMillis(300)));
        assertFalse(b.tryLock(k, Duration.ofMillis(300)));
        waitUntil(() -> !b.computing(k), Duration.ofSeconds(3), "the right expired");
        assertTrue(b.tryLock(k, Duration.ofSeconds(5)));
    }

    // ------------------------------------------------------------------ invalidation

    @Test
    void invalidateKeyRemovesTheKeyAndTellsTheOtherInstancesButNotTheSender() throws Exception {
        String app = application("inv-key");
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        RedisTier a = shared(app, ra);
        RedisTier b = shared(app, rb);
        awaitSubscribed(a, b);
        String k = a.namespace() + "cat:m:k1";
        String other = a.namespace() + "cat:m:k2";
        a.set(k, bytes("v"), Duration.ofMinutes(1));
        a.set(other, bytes("v"), Duration.ofMinutes(1));
        awaitValue(b, k);
        awaitValue(b, other);

        a.invalidateKey(k);
        assertEquals("key " + k, rb.next());
        assertNull(b.get(k), "removed from Redis before the message is sent");
        assertNotNull(b.get(other), "only that key");

        // Messages arrive in publishing order: once a hears b's, a would have heard its own before it.
        b.invalidateKey(other);
        assertEquals("key " + other, ra.next(), "a hears b, and did not hear itself");
        assertNull(a.get(other));
        Thread.sleep(100);
        assertTrue(rb.events.isEmpty(), "b did not hear itself: " + rb.events);
        assertTrue(ra.events.isEmpty(), "a did not hear itself: " + ra.events);

        // A key with spaces (a method's parameter list) arrives whole.
        String spaced = a.namespace() + "cat:Search.find(String, int):a b  c";
        a.invalidateKey(spaced);
        assertEquals("key " + spaced, rb.next());
    }

    @Test
    void invalidatePrefixRemovesEveryKeyUnderItAndSendsToolCategoryAndAll() throws Exception {
        String app = application("inv-prefix");
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        RedisTier a = shared(app, ra);
        RedisTier b = shared(app, rb);
        awaitSubscribed(a, b);
        String ns = a.namespace();
        try (Jedis admin = new Jedis("127.0.0.1", 6379)) {
            // More keys than one SCAN page (500) under the tool's prefix.
            String[] toolKeys = new String[2 * 1200];
            for (int i = 0; i < 1200; i++) {
                toolKeys[2 * i] = ns + "cat:Search.find(String):" + i;
                toolKeys[2 * i + 1] = "v";
            }
            admin.mset(toolKeys);
            admin.set(ns + "cat:Search.findAll(String):1", "v");
            admin.set(ns + "cat:Other.run():1", "v");
            admin.set(ns + "category2:Other.run():1", "v");
            admin.set(ns + "cat2:Other.run():1", "v");

            a.invalidatePrefix(ns + "cat:Search.find(String):", "tool", "search");
            assertEquals("tool search", rb.next());
            for (int i = 0; i < 1200; i += 97) {
                assertFalse(admin.exists(ns + "cat:Search.find(String):" + i), "key " + i);
            }
            assertEquals(0, admin.keys(glob(ns + "cat:Search.find(String):") + "*").size());
            assertTrue(admin.exists(ns + "cat:Search.findAll(String):1"), "a longer method name is another prefix");
            assertTrue(admin.exists(ns + "cat:Other.run():1"));

            a.invalidatePrefix(ns + "cat:", "category", "cat");
            assertEquals("category cat", rb.next());
            assertFalse(admin.exists(ns + "cat:Search.findAll(String):1"));
            assertFalse(admin.exists(ns + "cat:Other.run():1"));
            assertTrue(admin.exists(ns + "category2:Other.run():1"));
            assertTrue(admin.exists(ns + "cat2:Other.run():1"));

            a.invalidatePrefix(ns, "all", null);
            assertEquals("category null", rb.next(), "all: a category of null");
            assertEquals(0, admin.keys(glob(ns) + "*").size());
        }
        b.invalidatePrefix(ns, "all", null);
        assertEquals("category null", ra.next());
        Thread.sleep(100);
        assertTrue(ra.events.isEmpty() && rb.events.isEmpty(), "nobody heard itself: " + ra.events + rb.events);
    }

    @Test
    void twoApplicationsNeverSeeEachOthersKeysOrMessages() throws Exception {
        String app1 = application("one");
        String app2 = application("two");
        Recorder r1 = new Recorder();
        Recorder r1b = new Recorder();
        Recorder r2 = new Recorder();
        Recorder r2b = new Recorder();
        RedisTier one = shared(app1, r1);
        RedisTier oneB = shared(app1, r1b);
        RedisTier two = shared(app2, r2);
        RedisTier twoB = shared(app2, r2b);
        awaitSubscribed(one, oneB, two, twoB);
        assertFalse(one.namespace().equals(two.namespace()));

        one.set(one.namespace() + "cat:m:k", bytes("one"), Duration.ofMinutes(1));
        two.set(two.namespace() + "cat:m:k", bytes("two"), Duration.ofMinutes(1));
        assertArrayEquals(bytes("one"), awaitValue(oneB, one.namespace() + "cat:m:k"));
        assertArrayEquals(bytes("two"), awaitValue(twoB, two.namespace() + "cat:m:k"));

        one.invalidatePrefix(one.namespace(), "all", null);
        one.invalidateKey(one.namespace() + "cat:m:other");
        assertEquals("category null", r1b.next());
        assertEquals("key " + one.namespace() + "cat:m:other", r1b.next());
        assertNull(oneB.get(one.namespace() + "cat:m:k"));
        assertArrayEquals(bytes("two"), two.get(two.namespace() + "cat:m:k"), "the other application's key stays");

        // app1's messages were published before this one: had app2's tiers heard them, they would come first.
        twoB.invalidateKey(two.namespace() + "cat:m:k");
        assertEquals("key " + two.namespace() + "cat:m:k", r2.next());
        Thread.sleep(100);
        assertTrue(r2.events.isEmpty() && r2b.events.isEmpty(), "app2 heard nothing of app1: " + r2.events + r2b.events);
        assertTrue(r1.events.isEmpty() && r1b.events.isEmpty(), "app1 heard nothing of app2: " + r1.events + r1b.events);
    }

    @Test
    void anApplicationNameWithGlobCharactersDoesNotInvalidateAnotherApplication() throws Exception {
        String base = application("glob");
        String globbing = base + "*";
        String matched = base + "zz";
        RedisTier g = shared(globbing, new Recorder());
        RedisTier m = shared(matched, new Recorder());
        RedisTier brackets = shared(base + "[z]", new Recorder());
        try (Jedis admin = new Jedis("127.0.0.1", 6379)) {
            admin.set(g.namespace() + "k", "v");
            admin.set(m.namespace() + "k", "v");
            admin.set("toolwarden:" + base + "z:k", "v");
            namespaces.add("toolwarden:" + base + "z:");
            g.invalidatePrefix(g.namespace(), "all", null);
            brackets.invalidatePrefix(brackets.namespace(), "all", null);
            waitUntil(() -> !admin.exists(g.namespace() + "k"), Duration.ofSeconds(3), "its own key removed");
            // unlink is queued on one writer per tier: a write after it shows it has run
            brackets.set(brackets.namespace() + "marker", bytes("m"), Duration.ofMinutes(1));
            awaitValue(brackets, brackets.namespace() + "marker");
            assertTrue(admin.exists(m.namespace() + "k"), "'*' in a name is no wildcard");
            assertTrue(admin.exists("toolwarden:" + base + "z:k"), "'[z]' in a name is no character class");
        }
    }

    // ------------------------------------------------------------------ outages

    @Test
    void aTierStartedWhileRedisIsDownAnswersUnavailableAtOnceAlertsOnceAndRecoversWithTheInvalidationsReplayed()
            throws Exception {
        RedisServer server = server();
        String app = application("outage");
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        Recorder listener = new Recorder();
        String ns = "toolwarden:" + app + ":";
        String url = "redis://tw:s3cret@127.0.0.1:" + server.port;

        long start = System.nanoTime();
        RedisTier t = tier(url, app, OUTAGE_TIMEOUT, alerts, listener);
        byte[] first = t.get(ns + "cat:m:k");
        long firstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertSame(RedisTier.UNAVAILABLE, first);
        assertTrue(firstMillis < 500, "the first look-up took " + firstMillis + " ms");
        assertFalse(t.up());
        long loop = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            assertSame(RedisTier.UNAVAILABLE, t.get(ns + "cat:m:k" + i));
        }
        long loopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loop);
        assertTrue(loopMillis < 200, "a tier that is down does not ask Redis: 1000 look-ups took " + loopMillis + " ms");
        assertTrue(t.tryLock(ns + "cat:m:k", Duration.ofSeconds(1)), "nobody waits for a Redis that cannot say");
        assertFalse(t.computing(ns + "cat:m:k"));
        long dropped = t.writes()[1];
        t.set(ns + "cat:m:k", bytes("v"), Duration.ofMinutes(1));
        assertEquals(dropped + 1, t.writes()[1], "a write while down is dropped");

        t.invalidateKey(ns + "cat:m:k");
        t.invalidatePrefix(ns + "cat:Search.find(String):", "tool", "search");

        Thread.sleep(4 * RETRY.toMillis()); // several probes and subscription attempts fail meanwhile
        assertEquals(1, alerts.size(), "one alert for the outage: " + alerts);
        Alert down = alerts.get(0);
        assertEquals("CACHE_L2", down.resource());
        assertEquals("HARD", down.level());
        assertEquals(1.0, down.value());
        assertFalse(down.cleared());
        assertEquals("redis://127.0.0.1:" + server.port, down.subject());
        assertEquals(t.describe(), down.subject());
        assertEquals(1, logLines("warn", "Redis " + t.describe() + " cannot be reached"), log());
        assertFalse(log().contains("s3cret"), "no password in the log: " + log());

        // Redis comes up, but not yet for this tier: its user does not exist yet. Keys to be invalidated are
        // written meanwhile, and another instance (the default user) listens.
        server.start();
        Recorder otherListener = new Recorder();
        try (Jedis admin = server.client()) {
            admin.set(ns + "cat:m:k", "stale");
            admin.set(ns + "cat:Search.find(String):1", "stale");
            admin.set(ns + "cat:Search.find(String):2", "stale");
            admin.set(ns + "cat:Other.run():1", "fresh");
            RedisTier other = tier(server.url() + "/0", app, OUTAGE_TIMEOUT, new CopyOnWriteArrayList<>(), otherListener);
            awaitSubscribed(other);
            Thread.sleep(3 * RETRY.toMillis());
            assertFalse(t.up(), "the probe is refused: still down");
            assertEquals(1, alerts.size(), "a probe that fails adds nothing: " + alerts);
            assertTrue(admin.exists(ns + "cat:m:k"), "nothing replayed while down");

            long opened = System.nanoTime();
            admin.aclSetUser("tw", "on", ">s3cret", "~*", "&*", "+@all");
            waitUntil(t::up, Duration.ofSeconds(5), "the tier back");
            long backMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
            assertTrue(backMillis < 5 * RETRY.toMillis(), "back within a few retry intervals: " + backMillis + " ms");

            // Replayed before the tier counts as up.
            assertFalse(admin.exists(ns + "cat:m:k"), "the key invalidated while down is gone");
            assertFalse(admin.exists(ns + "cat:Search.find(String):1"));
            assertFalse(admin.exists(ns + "cat:Search.find(String):2"));
            assertTrue(admin.exists(ns + "cat:Other.run():1"), "only what was invalidated");
            assertEquals("key " + ns + "cat:m:k", otherListener.next(), "the other instance is told too");
            assertEquals("tool search", otherListener.next());

            waitUntil(() -> alerts.size() >= 2, Duration.ofSeconds(2), "the cleared alert");
            Alert back = alerts.get(1);
            assertEquals("CACHE_L2", back.resource());
            assertTrue(back.cleared());
            assertEquals(0.0, back.value());
            assertEquals(t.describe(), back.subject());
            assertEquals(1, logLines("info", "Redis " + t.describe() + " answers again",
                    "2 invalidation(s) replayed"), log());

            // And it works.
            t.set(ns + "cat:m:k", bytes("new"), Duration.ofMinutes(1));
            assertArrayEquals(bytes("new"), awaitValue(t, ns + "cat:m:k"));
            awaitSubscribed(t);
            Thread.sleep(3 * RETRY.toMillis());
            assertEquals(2, alerts.size(), "no more alerts once back: " + alerts);
            assertTrue(t.up());
            assertEquals(1, logLines("cannot be reached"), log());
        }
    }

    /**
     * Invalidations keep coming while the tier recovers (its replay of those made while down takes a
     * while): none of them may be left behind, every one reaches Redis and the other instances.
     */
    @Test
    void invalidationsMadeWhileTheTierRecoversAreNotLost() throws Exception {
        RedisServer server = server();
        String app = application("recovering");
        String ns = "toolwarden:" + app + ":";
        RedisTier t = tier("redis://tw:s3cret@127.0.0.1:" + server.port, app, OUTAGE_TIMEOUT,
                new CopyOnWriteArrayList<>(), new Recorder());
        assertSame(RedisTier.UNAVAILABLE, t.get(ns + "k"));
        // Many invalidations while down: replaying them takes long enough for more to come meanwhile.
        // (Fewer than the 1000 kept at most: past that, the replay is one invalidation of everything.)
        int early = 500;
        for (int i = 0; i < early; i++) {
            t.invalidateKey(ns + "early:" + i);
        }
        server.start();
        Recorder otherListener = new Recorder();
        RedisTier other = tier(server.url() + "/0", app, OUTAGE_TIMEOUT, new CopyOnWriteArrayList<>(), otherListener);
        awaitSubscribed(other);
        List<String> late = new ArrayList<>();
        try (Jedis admin = server.client()) {
            admin.aclSetUser("tw", "on", ">s3cret", "~*", "&*", "+@all");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int i = 0;
            while (!t.up() && System.nanoTime() < deadline) {
                if (early + late.size() < 990) {
                    String k = ns + "late:" + i++;
                    t.invalidateKey(k);
                    late.add(k);
                }
                Thread.sleep(1);
            }
            assertTrue(t.up(), "recovered");
            for (int j = 0; j < 20; j++) { // and a few once it is up
                String k = ns + "after:" + j;
                t.invalidateKey(k);
                late.add(k);
            }
        }
        java.util.Set<String> heard = new java.util.HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!heard.containsAll(late) && System.nanoTime() < deadline) {
            String e = otherListener.events.poll(100, TimeUnit.MILLISECONDS);
            if (e != null) {
                heard.add(e.startsWith("key ") ? e.substring("key ".length()) : e);
            }
        }
        List<String> lost = late.stream().filter(k -> !heard.contains(k)).toList();
        assertTrue(lost.isEmpty(), lost.size() + " of " + late.size() + " invalidations made during the recovery never"
                + " reached the other instance: " + lost.subList(0, Math.min(5, lost.size())));
        for (int i = 0; i < early; i++) {
            assertTrue(heard.contains(ns + "early:" + i), "replayed: early:" + i);
        }
        assertFalse(heard.contains("category null"), "no overflow: each invalidation replayed on its own");
    }

    @Test
    void aSubscriptionLostWithRedisIsRegainedAndTheListenerToldMessagesWereMissed() throws Exception {
        RedisServer server = server();
        server.start();
        String app = application("restart");
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        List<Alert> otherAlerts = new CopyOnWriteArrayList<>();
        Recorder listener = new Recorder();
        Recorder otherListener = new Recorder();
        RedisTier t = tier(server.url(), app, OUTAGE_TIMEOUT, alerts, listener);
        RedisTier other = tier(server.url() + "/0", app, OUTAGE_TIMEOUT, otherAlerts, otherListener);
        awaitSubscribed(t, other);
        String k = t.namespace() + "cat:m:k";
        t.set(k, bytes("v"), Duration.ofMinutes(1));
        awaitValue(t, k);
        assertEquals(0, listener.missed.get(), "a first subscription missed nothing");

        server.stop();
        waitUntil(() -> !t.up(), Duration.ofSeconds(3), "the tier sees Redis gone");
        long before = System.nanoTime();
        assertSame(RedisTier.UNAVAILABLE, t.get(k));
        assertTrue(System.nanoTime() - before < TimeUnit.MILLISECONDS.toNanos(100), "at once");
        assertFalse(t.subscribed());
        waitUntil(() -> !alerts.isEmpty(), Duration.ofSeconds(1), "the alert"); // sent right after the tier is marked down
        assertFalse(alerts.get(0).cleared());

        Thread.sleep(3 * RETRY.toMillis());
        assertEquals(1, alerts.size(), "one alert for the outage: " + alerts);
        assertEquals(0, listener.missed.get(), "not while it is still lost");

        server.start();
        waitUntil(() -> t.up() && t.subscribed() && listener.missed.get() > 0, Duration.ofSeconds(5),
                "back, subscribed, and told that messages may have been missed");
        waitUntil(() -> other.up() && otherListener.missed.get() > 0, Duration.ofSeconds(5), "the other instance too");
        waitUntil(() -> alerts.size() >= 2, Duration.ofSeconds(2), "the cleared alert");
        assertTrue(alerts.get(1).cleared());
        assertEquals("missed", listener.next());

        // It works again, and stays up.
        String k2 = t.namespace() + "cat:m:k2";
        t.set(k2, bytes("again"), Duration.ofMinutes(1));
        assertArrayEquals(bytes("again"), awaitValue(t, k2));
        other.invalidateKey(k2);
        assertEquals("key " + k2, listener.next(), "messages flow again");
        Thread.sleep(3 * RETRY.toMillis());
        assertTrue(t.up());
        assertEquals(2, alerts.size(), alerts.toString());
        assertEquals(1, listener.missed.get(), "once per lost subscription");
        assertEquals(1, logLines("Redis " + t.describe() + " cannot be reached"), log());
        assertEquals(1, logLines("Redis " + t.describe() + " answers again"), log());
    }

    @Test
    void afterARestartStaleConnectionsOfThePoolDoNotKeepTheTierDownForLong() throws Exception {
        RedisServer server = server();
        server.start();
        String app = application("stale");
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        RedisTier t = tier(server.url(), app, OUTAGE_TIMEOUT, alerts, new Recorder());
        awaitSubscribed(t);
        String k = t.namespace() + "k";
        t.set(k, bytes("v"), Duration.ofMinutes(1));
        awaitValue(t, k);
        // Several callers at once: the pool keeps several connections.
        int threads = 6;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread r = new Thread(() -> {
                try {
                    go.await();
                    for (int j = 0; j < 200; j++) {
                        t.get(k);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            r.start();
            readers.add(r);
        }
        go.countDown();
        for (Thread r : readers) {
            r.join(10_000);
        }
        assertTrue(t.up());

        server.stop();
        waitUntil(() -> !t.up(), Duration.ofSeconds(3), "down");
        server.start();
        long restarted = System.nanoTime();
        waitUntil(t::up, Duration.ofSeconds(10), "back");
        long backMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
        // Once back, every caller finds working connections: no second outage.
        CountDownLatch go2 = new CountDownLatch(1);
        AtomicInteger unavailable = new AtomicInteger();
        readers.clear();
        for (int i = 0; i < threads; i++) {
            Thread r = new Thread(() -> {
                try {
                    go2.await();
                    for (int j = 0; j < 50; j++) {
                        if (t.get(k) == RedisTier.UNAVAILABLE) {
                            unavailable.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            r.start();
            readers.add(r);
        }
        go2.countDown();
        for (Thread r : readers) {
            r.join(10_000);
        }
        assertEquals(0, unavailable.get(), "look-ups after recovery (back after " + backMillis + " ms); alerts " + alerts
                + "\n" + log());
        assertEquals(2, alerts.size(), alerts.toString());
        assertTrue(backMillis < 5 * RETRY.toMillis(), "back within a few retry intervals: " + backMillis + " ms");
    }

    @Test
    void closeEndsTheTiersThreads() throws Exception {
        RedisTier t = shared(application("close"), new Recorder());
        awaitSubscribed(t);
        assertTrue(liveThreads() >= 2);
        RedisTier down = tier("redis://127.0.0.1:1", application("close-down"), OUTAGE_TIMEOUT,
                new CopyOnWriteArrayList<>(), new Recorder());
        waitUntil(() -> !down.up(), Duration.ofSeconds(2), "down");
        int before = liveThreads();
        t.close();
        down.close();
        waitUntil(() -> liveThreads() <= before - 4, Duration.ofSeconds(5),
                "the writer and subscriber threads of both tiers end");
    }

    private static int liveThreads() {
        int n = 0;
        for (Thread th : Thread.getAllStackTraces().keySet()) {
            if (th.isAlive() && th.getName().startsWith("toolwarden-redis")) {
                n++;
            }
        }
        return n;
    }
}
