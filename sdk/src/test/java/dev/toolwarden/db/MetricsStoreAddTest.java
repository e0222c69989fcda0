package dev.toolwarden.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link MetricsStore#add}: instances of one application adding what they did to shared rows, the
 * database doing the sums. On the machine's PostgreSQL and on embedded H2 (an in-memory database
 * of this class's own, kept open between connections).
 */
class MetricsStoreAddTest {

    static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String H2 = "jdbc:h2:mem:toolwarden-add-test;DB_CLOSE_DELAY=-1";

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final List<DatabaseConnectionManager> pools = new ArrayList<>();
    private final List<String[]> written = new ArrayList<>();

    private DatabaseConnectionManager pool(String url, int kept, int extra) {
        DatabaseConnectionManager.Builder b = DatabaseConnectionManager.builder(url)
                .name("add-test-" + POOLS.incrementAndGet()).size(kept, extra).acquireTimeout(Duration.ofSeconds(10));
        if (url.startsWith("jdbc:postgresql:")) {
            b.credentials("postgres", "");
        }
        DatabaseConnectionManager m = b.build();
        pools.add(m);
        return m;
    }

    /** @return a new application's name, whose rows are deleted after the test */
    private String application(String url) {
        String application = "add-" + UUID.randomUUID();
        written.add(new String[] {url, application});
        return application;
    }

    /** A store of the application's, with a pool of its own, on a migrated schema. */
    private MetricsStore store(String url, String application) throws SQLException {
        MetricsStore s = new MetricsStore(pool(url, 1, 1).dataSource(), application);
        s.migrate();
        return s;
    }

    private MetricsStore store(String url) throws SQLException {
        return store(url, application(url));
    }

    @AfterEach
    void deleteRowsAndClosePools() throws SQLException {
        try {
            for (String[] w : written) {
                DatabaseConnectionManager m = pool(w[0], 1, 0);
                try (Connection c = m.connection();
                        PreparedStatement s = c.prepareStatement("DELETE FROM toolwarden_tool_metrics WHERE application = ?")) {
                    s.setString(1, w[1]);
                    s.executeUpdate();
                }
            }
        } finally {
            for (DatabaseConnectionManager m : pools) {
                m.close();
            }
        }
    }

    /**
     * A delta: {@code calls} calls of which {@code hits} came from the cache, every other count and
     * sum derived from {@code n} so that each column can be told apart.
     */
    private static StoredMetrics delta(String tool, long calls, long hits, long n, long max, long p50, long p95,
            long p99) {
        return new StoredMetrics(tool, "TOOL", calls, n, 2 * n, 3 * n, 4 * n, hits, 100 * n, max, p50, p95, p99, 5 * n,
                6 * n, 7 * n, 8 * n, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    private static List<Long> sums(StoredMetrics m) {
        return List.of(m.calls(), m.errors(), m.timeouts(), m.rejected(), m.fallbacks(), m.cacheHits(), m.totalNanos(),
                m.cpuNanos(), m.cpuCalls(), m.allocatedBytes(), m.allocationCalls());
    }

    private static List<Long> percentiles(StoredMetrics m) {
        return List.of(m.p50Nanos(), m.p95Nanos(), m.p99Nanos());
    }

    @ParameterizedTest
    @ValueSource(strings = {POSTGRES, H2})
    void theFirstAddInsertsTheRowAsGiven(String url) throws Exception {
        MetricsStore s = store(url);
        StoredMetrics d = delta("search", 10, 2, 1, 50, 5, 9, 10);
        s.add(List.of(d));
        StoredMetrics row = s.read("search");
        assertNotNull(row);
        assertEquals("TOOL", row.kind());
        assertEquals(sums(d), sums(row));
        assertEquals(50, row.maxNanos());
        assertEquals(List.of(5L, 9L, 10L), percentiles(row));
        assertEquals(d.updated().truncatedTo(ChronoUnit.SECONDS), row.updated().truncatedTo(ChronoUnit.SECONDS));
    }

    @ParameterizedTest
    @ValueSource(strings = {POSTGRES, H2})
    void laterAddsIncrementEveryCountAndSum(String url) throws Exception {
        String application = application(url);
        MetricsStore s = store(url, application);
        s.add(List.of(delta("search", 10, 2, 1, 50, 5, 9, 10)));
        s.add(List.of(delta("search", 4, 1, 3, 30, 6, 8, 9)));
        StoredMetrics row = s.read("search");
        assertEquals(List.of(14L, 4L, 8L, 12L, 16L, 3L, 400L, 20L, 24L, 28L, 32L), sums(row));
        assertEquals(sums(delta("search", 10, 2, 1, 50, 5, 9, 10).plus(delta("search", 4, 1, 3, 30, 6, 8, 9))), sums(row),
                "the database sums as StoredMetrics.plus does");

        // Another store of the same application (another instance) adds to the same row.
        MetricsStore other = store(url, application);
        other.add(List.of(delta("search", 1, 0, 1, 10, 1, 2, 3)));
        assertEquals(15, s.read("search").calls());
        assertEquals(1, s.load().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {POSTGRES, H2})
    void theMaximumIsTheLargerOfTheStoredOneAndTheDeltas(String url) throws Exception {
        MetricsStore s = store(url);
        s.add(List.of(delta("t", 2, 0, 1, 50, 5, 9, 10)));
        s.add(List.of(delta("t", 2, 0, 1, 30, 5, 9, 10)));
        assertEquals(50, s.read("t").maxNanos(), "a smaller maximum does not replace it");
        s.add(List.of(delta("t", 2, 0, 1, 70, 5, 9, 10)));
        assertEquals(70, s.read("t").maxNanos(), "a larger one does");
        s.add(List.of(delta("t", 2, 0, 1, Long.MAX_VALUE, 5, 9, 10)));
        assertEquals(Long.MAX_VALUE, s.read("t").maxNanos());
    }

    @ParameterizedTest
    @ValueSource(strings = {POSTGRES, H2})
    void percentilesAreKeptWhenNoCallRanAndReplacedOtherwise(String url) throws Exception {
        MetricsStore s = store(url);
        s.add(List.of(delta("t", 10, 2, 1, 50, 5, 9, 10)));

        // Only cache hits (calls == cacheHits): their percentiles (0) say nothing about the tool.
        s.add(List.of(delta("t", 3, 3, 1, 0, 0, 0, 0)));
        StoredMetrics row = s.read("t");
        assertEquals(List.of(5L, 9L, 10L), percentiles(row), "kept");
        assertEquals(13, row.calls(), "while the counts are added");
        assertEquals(5, row.cacheHits());
        assertEquals(50, row.maxNanos());

        // No calls at all (only other counts moved): kept too.
        s.add(List.of(delta("t", 0, 0, 1, 0, 0, 0, 0)));
        assertEquals(List.of(5L, 9L, 10L), percentiles(s.read("t")));

        // Only refusals (calls == cacheHits + rejected; delta() makes rejected 3n): not timed either, kept.
        s.add(List.of(delta("t", 3, 0, 1, 0, 0, 0, 0)));
        assertEquals(List.of(5L, 9L, 10L), percentiles(s.read("t")), "refused calls say nothing of latency");

        // Calls that ran: their run's percentiles replace the stored ones, smaller ones too.
        s.add(List.of(delta("t", 8, 3, 1, 0, 2, 3, 4)));
        assertEquals(List.of(2L, 3L, 4L), percentiles(s.read("t")), "replaced by the latest run's");
        s.add(List.of(delta("t", 5, 0, 1, 0, 7, 8, 20)));
        assertEquals(List.of(7L, 8L, 20L), percentiles(s.read("t")));
    }

    @ParameterizedTest
    @ValueSource(strings = {POSTGRES, H2})
    void aDeltaOfOnlyHitsInsertsItsRowWithItsOwnPercentiles(String url) throws Exception {
        MetricsStore s = store(url);
        s.add(List.of(delta("cached", 3, 3, 1, 0, 0, 0, 0)));
        StoredMetrics row = s.read("cached");
        assertEquals(3, row.calls());
        assertEquals(List.of(0L, 0L, 0L), percentiles(row), "nothing to keep: the row is new");
    }

    @ParameterizedTest
    @ValueSource(strings = {POSTGRES, H2})
    void severalToolsInOneAddAndEachApplicationItsOwnRows(String url) throws Exception {
        MetricsStore s = store(url);
        MetricsStore another = store(url);
        s.add(List.of(delta("a", 1, 0, 1, 1, 1, 1, 1), delta("b", 2, 0, 1, 1, 1, 1, 1)));
        another.add(List.of(delta("a", 100, 0, 1, 1, 1, 1, 1)));
        s.add(List.of(delta("b", 3, 0, 1, 1, 1, 1, 1), delta("c", 4, 0, 1, 1, 1, 1, 1)));
        Map<String, StoredMetrics> rows = s.load();
        assertEquals(List.of("a", "b", "c"), new ArrayList<>(rows.keySet()));
        assertEquals(1, rows.get("a").calls());
        assertEquals(5, rows.get("b").calls());
        assertEquals(4, rows.get("c").calls());
        assertEquals(100, another.read("a").calls());
        assertNull(another.read("b"));
        s.add(List.of());
        assertEquals(5, s.read("b").calls(), "an empty add changes nothing");
    }

    @ParameterizedTest
    @ValueSource(strings = {POSTGRES, H2})
    void anAddThatFailsWritesNothing(String url) throws Exception {
        MetricsStore s = store(url);
        s.add(List.of(delta("a", 1, 0, 1, 1, 1, 1, 1)));
        StoredMetrics tooLongKind = new StoredMetrics("b", "KIND-LONGER-THAN-TEN", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, Instant.now());
        assertThrows(SQLException.class, () -> s.add(List.of(delta("a", 5, 0, 1, 1, 1, 1, 1), tooLongKind)));
        assertEquals(1, s.read("a").calls(), "the first row's increment was rolled back with the second's failure");
        assertNull(s.read("b"));
        s.add(List.of(delta("a", 2, 0, 1, 1, 1, 1, 1)));
        assertEquals(3, s.read("a").calls(), "the store works after a failure");
    }

    @ParameterizedTest
    @ValueSource(strings = {POSTGRES, H2})
    void aToolNameTooLongForItsColumnIsLeftOutAndTheOthersAdded(String url) throws Exception {
        MetricsStore s = store(url);
        s.add(List.of(delta("x".repeat(501), 1, 0, 1, 1, 1, 1, 1), delta("ok", 2, 0, 1, 1, 1, 1, 1)));
        assertEquals(List.of("ok"), new ArrayList<>(s.load().keySet()));
        assertEquals(2, s.read("ok").calls());
    }

    /**
     * The race add() retries on, made to happen: another instance inserts the row after this one's
     * UPDATE found none, so this one's INSERT violates the primary key; the retry's UPDATE then adds.
     */
    @ParameterizedTest
    @ValueSource(strings = {POSTGRES, H2})
    void anInsertThatLosesTheRaceForANewRowIsRetriedAsAnIncrement(String url) throws Exception {
        String application = application(url);
        MetricsStore s = store(url, application);
        DatabaseConnectionManager other = pool(url, 1, 0);
        try (Connection c = other.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO toolwarden_tool_metrics (application, tool, "
                    + "kind, calls, errors, timeouts, rejected, fallbacks, cache_hits, total_nanos, max_nanos, p50_nanos, "
                    + "p95_nanos, p99_nanos, cpu_nanos, cpu_calls, allocated_bytes, allocation_calls, updated_at) "
                    + "VALUES (?, 'race', 'TOOL', 1, 0, 0, 0, 0, 0, 10, 10, 1, 2, 3, 0, 0, 0, 0, CURRENT_TIMESTAMP)")) {
                insert.setString(1, application);
                insert.executeUpdate();
            }
            List<Throwable> failure = new CopyOnWriteArrayList<>();
            Thread adder = new Thread(() -> {
                try {
                    s.add(List.of(delta("race", 5, 0, 1, 20, 4, 5, 6)));
                } catch (Throwable e) {
                    failure.add(e);
                }
            });
            adder.start();
            adder.join(500);
            assertTrue(adder.isAlive(), "the add waits for the other transaction's row: " + failure);
            c.commit();
            adder.join(15_000);
            assertTrue(!adder.isAlive(), "the add finished");
            assertTrue(failure.isEmpty(), () -> "the add failed: " + failure);
        }
        StoredMetrics row = s.read("race");
        assertEquals(6, row.calls(), "the other instance's call and this one's five");
        assertEquals(20, row.maxNanos());
        assertEquals(List.of(4L, 5L, 6L), percentiles(row));
    }

    @ParameterizedTest
    @ValueSource(strings = {POSTGRES, H2})
    void fourInstancesAddingAtOnceLoseNoCall(String url) throws Exception {
        String application = application(url);
        MetricsStore first = store(url, application);
        int instances = 4;
        int adds = 250;
        CyclicBarrier start = new CyclicBarrier(instances);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            // Each its own store and pool, as separate JVMs would have.
            MetricsStore store = new MetricsStore(pool(url, 1, 0).dataSource(), application);
            long max = 1000 + i;
            Thread t = new Thread(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                    for (int n = 0; n < adds; n++) {
                        // one call, and a second tool now and then, written in the same transaction
                        store.add(n % 10 == 0 ? List.of(delta("shared", 1, 0, 1, max, 5, 9, 10),
                                delta("other", 1, 1, 0, 0, 0, 0, 0)) : List.of(delta("shared", 1, 0, 1, max, 5, 9, 10)));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "adder-" + i);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(120));
            assertTrue(!t.isAlive(), t.getName() + " did not finish");
        }
        assertTrue(failures.isEmpty(), () -> "adds failed: " + failures);
        StoredMetrics row = first.read("shared");
        assertEquals(instances * adds, row.calls(), "every call of every instance");
        assertEquals(instances * adds, row.errors());
        assertEquals(100L * instances * adds, row.totalNanos());
        assertEquals(8L * instances * adds, row.allocationCalls());
        assertEquals(1000 + instances - 1, row.maxNanos());
        assertEquals(instances * adds / 10, first.read("other").calls());
        assertEquals(instances * adds / 10, first.read("other").cacheHits());
    }
}
