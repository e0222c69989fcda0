package dev.toolwarden.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.ExecutionKind;
import dev.toolwarden.PoolStatistics;
import dev.toolwarden.ToolStatistics;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The connection manager and the metrics store against real databases: the PostgreSQL server of
 * this machine (127.0.0.1:5432, database test, trust authentication; .ci/run starts it) and
 * embedded H2.
 */
class DatabaseTest {

    static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String H2 = "jdbc:h2:mem:toolwarden-test;DB_CLOSE_DELAY=-1";

    static DatabaseConnectionManager pool(String url, int kept, int extra) {
        DatabaseConnectionManager.Builder b = DatabaseConnectionManager.builder(url).name("test-" + kept + "-" + extra)
                .size(kept, extra).acquireTimeout(Duration.ofSeconds(2));
        if (url.startsWith("jdbc:postgresql:")) {
            b.credentials("postgres", "");
        }
        return b.build();
    }

    @ParameterizedTest
    @ValueSource(strings = {POSTGRES, H2})
    void poolStatisticsComeFromHikariWhileConnectionsAreHeldAndAWaitingThreadIsCounted(String url) throws Exception {
        try (DatabaseConnectionManager m = pool(url, 2, 1)) {
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(m.connection());
            }
            PoolStatistics s = m.statistics();
            assertEquals(3, s.active(), s::toString);
            assertEquals(3, s.max());
            assertEquals(100.0, s.utilisationPercent(), 0.001);
            CountDownLatch got = new CountDownLatch(1);
            Thread waiter = new Thread(() -> {
                try (Connection c = m.connection()) {
                    got.countDown();
                } catch (SQLException e) {
                    // timed out: the test fails below
                }
            });
            waiter.start();
            long until = System.nanoTime() + 1_500_000_000L;
            while (m.statistics().waiting() == 0 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertEquals(1, m.statistics().waiting(), "the waiting thread is counted");
            held.remove(0).close();
            waiter.join(3000);
            assertEquals(0, got.getCount(), "the waiter got the connection given back");
            for (Connection c : held) {
                c.close();
            }
            assertEquals(0, m.statistics().active());
        }
    }

    @Test
    void theHealthCheckIsARealRoundTripUnder100MillisecondsOnTheLocalPostgres() {
        try (DatabaseConnectionManager m = pool(POSTGRES, 1, 0)) {
            m.health(); // the first opens the connection
            PoolHealth h = m.health();
            assertTrue(h.up(), h::toString);
            assertNull(h.error());
            assertTrue(h.latency().compareTo(Duration.ofMillis(100)) < 0, "latency " + h.latency());
        }
    }

    @Test
    void theReferenceDefaultsAreTenKeptPlusTwentyAndChecksBeforeUse() {
        try (DatabaseConnectionManager m = DatabaseConnectionManager.builder(H2).build()) {
            assertEquals(30, m.hikari().getMaximumPoolSize());
            assertEquals(10, m.hikari().getMinimumIdle());
            assertEquals(30_000, m.hikari().getConnectionTimeout());
            assertEquals(3_600_000, m.hikari().getMaxLifetime());
        }
    }

    @Test
    void aDatabaseWhereNothingListensIsReportedDownAndTheStoreFailsWithAnSqlException() {
        try (DatabaseConnectionManager m = DatabaseConnectionManager.builder("jdbc:postgresql://127.0.0.1:1/test")
                .size(1, 0).acquireTimeout(Duration.ofSeconds(1)).build()) {
            PoolHealth h = m.health();
            assertFalse(h.up());
            assertNotNull(h.error());
            MetricsStore store = new MetricsStore(m.dataSource(), "down");
            assertThrows(SQLException.class, store::migrate);
        }
    }

    @Test
    void aUrlThatIsNotJdbcIsRefusedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatabaseConnectionManager.builder("postgres://localhost/test"));
        assertTrue(e.getMessage().contains("not a JDBC URL"), e.getMessage());
    }

    static ToolStatistics statistics(String name, long calls, long errors) {
        return new ToolStatistics(name, ExecutionKind.TOOL, calls, errors, 1, 0, 0, 2, Duration.ofMillis(calls * 10),
                Duration.ofMillis(50), Duration.ofMillis(8), Duration.ofMillis(40), Duration.ofMillis(49),
                Duration.ofMillis(3), calls, 1000 * calls, calls);
    }

    @ParameterizedTest
    @ValueSource(strings = {POSTGRES, H2})
    void metricsAreWrittenAndReadBackByAnotherStoreAndTheSchemaMigratesOnce(String url) throws Exception {
        String application = "test-" + UUID.randomUUID();
        try (DatabaseConnectionManager a = pool(url, 1, 0); DatabaseConnectionManager b = pool(url, 1, 0)) {
            MetricsStore first = new MetricsStore(a.dataSource(), application);
            first.migrate();
            assertEquals(MetricsStore.SCHEMA_VERSION, first.migrate(), "the second migration finds the schema current");
            StoredMetrics search = StoredMetrics.of(statistics("search", 10, 1));
            first.write(List.of(search, StoredMetrics.of(statistics("weather", 4, 0))));

            MetricsStore second = new MetricsStore(b.dataSource(), application);
            Map<String, StoredMetrics> loaded = second.load();
            assertEquals(List.of("search", "weather"), new ArrayList<>(loaded.keySet()));
            StoredMetrics back = loaded.get("search");
            assertEquals(10, back.calls());
            assertEquals(1, back.errors());
            assertEquals(2, back.cacheHits());
            assertEquals(Duration.ofMillis(40).toNanos(), back.p95Nanos());
            assertEquals(search.updated().truncatedTo(ChronoUnit.SECONDS), back.updated().truncatedTo(ChronoUnit.SECONDS));

            // A later run adds its totals to the history and replaces the row.
            StoredMetrics merged = back.plus(StoredMetrics.of(statistics("search", 5, 2)));
            second.write(List.of(merged));
            StoredMetrics again = first.read("search");
            assertEquals(15, again.calls());
            assertEquals(3, again.errors());
            assertEquals(15, again.toStatistics().calls());
            assertNull(first.read("nothing"));
            assertTrue(new MetricsStore(b.dataSource(), "another-" + application).load().isEmpty(),
                    "each application keeps its own rows");
        }
    }

    @Test
    void aToolNameTooLongForItsColumnDoesNotStopTheOtherToolsMetrics() throws Exception {
        try (DatabaseConnectionManager a = pool(H2, 1, 0)) {
            MetricsStore store = new MetricsStore(a.dataSource(), "long-" + UUID.randomUUID());
            store.migrate();
            store.write(List.of(StoredMetrics.of(statistics("x".repeat(501), 1, 0)), StoredMetrics.of(statistics("ok", 2, 0))));
            assertEquals(List.of("ok"), new ArrayList<>(store.load().keySet()));
        }
    }

    @Test
    void aRowAddsCountsKeepsTheLongestCallAndTakesTheLatestRunsPercentiles() {
        StoredMetrics history = new StoredMetrics("t", "TOOL", 10, 1, 1, 0, 0, 0, 100, 50, 5, 9, 10, 7, 10, 70, 10,
                Instant.EPOCH);
        StoredMetrics run = new StoredMetrics("t", "TOOL", 4, 0, 0, 1, 1, 1, 40, 30, 6, 8, 9, 3, 3, 30, 3, Instant.now());
        StoredMetrics sum = history.plus(run);
        assertEquals(14, sum.calls());
        assertEquals(50, sum.maxNanos(), "the longest call of all runs");
        assertEquals(8, sum.p95Nanos(), "the latest run's percentiles");
        assertEquals(140, sum.totalNanos());
        StoredMetrics back = sum.minus(run);
        assertEquals(List.of(10L, 1L, 100L, 7L, 70L), List.of(back.calls(), back.errors(), back.totalNanos(),
                back.cpuNanos(), back.allocatedBytes()), "minus undoes plus for the sums");
        assertEquals(0, run.minus(sum).calls(), "never below zero");
        StoredMetrics onlyHits = new StoredMetrics("t", "TOOL", 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, Instant.now());
        assertEquals(9, history.plus(onlyHits).p95Nanos(), "a run of cache hits only keeps the history's percentiles");
        StoredMetrics onlyRefused = new StoredMetrics("t", "TOOL", 5, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                Instant.now());
        assertEquals(9, history.plus(onlyRefused).p95Nanos(),
                "a run of refusals only (counted, not timed) keeps them too: its empty histogram would rank a shed tool first");
    }

    /** Instances starting together on an empty PostgreSQL database all create the tables at once. */
    @Test
    void severalJvmsMigratingAnEmptyPostgresDatabaseAtOnceAllSucceed() throws Exception {
        String schema = "tw_migrate_" + UUID.randomUUID().toString().replace("-", "");
        try (DatabaseConnectionManager admin = DatabaseConnectionManager.builder(POSTGRES).credentials("postgres", "")
                .size(1, 0).build()) {
            try (java.sql.Connection c = admin.connection(); java.sql.Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            }
            try {
                for (int round = 0; round < 3; round++) { // the race is narrow: a few empty schemas
                    String ns = schema + "_" + round;
                    try (java.sql.Connection c = admin.connection(); java.sql.Statement s = c.createStatement()) {
                        s.execute("CREATE SCHEMA " + ns);
                    }
                    int n = 6;
                    List<DatabaseConnectionManager> pools = new ArrayList<>();
                    try {
                        for (int i = 0; i < n; i++) {
                            pools.add(DatabaseConnectionManager.builder(POSTGRES + "?currentSchema=" + ns)
                                    .credentials("postgres", "").size(1, 0).build());
                        }
                        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(n);
                        List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
                        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(n);
                        try {
                            for (DatabaseConnectionManager p : pools) {
                                MetricsStore store = new MetricsStore(p.dataSource(), "migrate");
                                results.add(threads.submit(() -> {
                                    together.await();
                                    return store.migrate();
                                }));
                            }
                            for (java.util.concurrent.Future<Integer> r : results) {
                                r.get(30, java.util.concurrent.TimeUnit.SECONDS); // throws if a migration failed
                            }
                        } finally {
                            threads.shutdownNow();
                        }
                        assertEquals(2, new MetricsStore(pools.get(0).dataSource(), "migrate").migrate(),
                                "the schema is at its version once, whoever made it");
                    } finally {
                        for (DatabaseConnectionManager p : pools) {
                            p.close();
                        }
                    }
                }
            } finally {
                try (java.sql.Connection c = admin.connection(); java.sql.Statement s = c.createStatement()) {
                    for (int round = 0; round < 3; round++) {
                        s.execute("DROP SCHEMA IF EXISTS " + schema + "_" + round + " CASCADE");
                    }
                    s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            }
        }
    }
}
