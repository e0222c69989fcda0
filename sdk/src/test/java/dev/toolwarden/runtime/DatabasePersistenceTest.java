package dev.toolwarden.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.Alert;
import dev.toolwarden.ExecutionKind;
import dev.toolwarden.ToolStatistics;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.db.DatabaseConnectionManager;
import dev.toolwarden.db.MetricsStore;
import dev.toolwarden.db.StoredMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Pool alerts, and the metrics persistence surviving a database that goes away and comes back. */
class DatabasePersistenceTest {

    static Configuration config(String... pairs) {
        Map<String, String> p = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            p.put(pairs[i], pairs[i + 1]);
        }
        return Configuration.load(null, p, Map.of());
    }

    @Test
    void aPoolAt80And95PercentOfItsConnectionsRaisesDbConnectionsAlertsAndClearsThem() throws Exception {
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        DatabaseWatch watch = new DatabaseWatch(config(), alerts::add);
        try (DatabaseConnectionManager m = DatabaseConnectionManager.builder("jdbc:postgresql://127.0.0.1:5432/test")
                .credentials("postgres", "").name("orders").size(5, 0).acquireTimeout(Duration.ofSeconds(2)).build()) {
            watch.watch(m);
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                held.add(m.connection());
            }
            watch.check(); // 4 of 5: 80 %
            assertEquals(List.of("DB_CONNECTIONS/SOFT/orders"), names(alerts));
            held.add(m.connection());
            watch.check(); // 5 of 5
            assertEquals(List.of("DB_CONNECTIONS/SOFT/orders", "DB_CONNECTIONS/HARD/orders"), names(alerts));
            assertEquals(5, watch.statistics().get(0).active());
            assertEquals(2, watch.activeAlerts().size());
            for (Connection c : held) {
                c.close();
            }
            watch.check();
            assertTrue(alerts.stream().filter(Alert::cleared).count() == 2, () -> "both cleared: " + alerts);
            assertTrue(watch.activeAlerts().isEmpty());
        }
    }

    @Test
    void aPoolClosedWhileItsAlertsHoldHasThemCleared() throws Exception {
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        DatabaseWatch watch = new DatabaseWatch(config(), alerts::add);
        DatabaseConnectionManager m = DatabaseConnectionManager.builder("jdbc:postgresql://127.0.0.1:5432/test")
                .credentials("postgres", "").name("closing").size(2, 0).acquireTimeout(Duration.ofSeconds(2)).build();
        List<Connection> held = new ArrayList<>();
        try {
            watch.watch(m);
            held.add(m.connection());
            held.add(m.connection());
            watch.check(); // 2 of 2
            assertEquals(2, watch.activeAlerts().size(), () -> "raised: " + alerts);
            for (Connection c : held) {
                c.close();
            }
            held.clear();
        } finally {
            m.close(); // the application shuts the pool down; its last figures were at 100 %
        }
        assertEquals(0, alerts.stream().filter(Alert::cleared).count(), "nothing cleared before the pool is read again");
        watch.check();
        assertEquals(0, watch.activeAlerts().size());
        List<Alert> cleared = alerts.stream().filter(Alert::cleared).toList();
        assertEquals(List.of("DB_CONNECTIONS/HARD/closing", "DB_CONNECTIONS/SOFT/closing"),
                names(cleared).stream().sorted().toList(), () -> "each raised alert cleared: " + alerts);
    }

    private static List<String> names(List<Alert> alerts) {
        return alerts.stream().map(a -> a.resource() + "/" + a.level() + "/" + a.subject()).toList();
    }

    /** A TCP proxy in front of PostgreSQL that can be taken down and brought back on the same port. */
    static final class Proxy implements AutoCloseable {
        private final int port;
        private volatile ServerSocket server;
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        Proxy() throws IOException {
            try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
        }

        int port() {
            return port;
        }

        void up() throws IOException {
            ServerSocket s = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            server = s;
            Thread t = new Thread(() -> {
                while (!s.isClosed()) {
                    try {
                        Socket client = s.accept();
                        Socket db = new Socket(InetAddress.getLoopbackAddress(), 5432);
                        open.add(client);
                        open.add(db);
                        pipe(client, db);
                        pipe(db, client);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        private void pipe(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // closed
                } finally {
                    try {
                        from.close();
                        to.close();
                    } catch (IOException e) {
                        // closed
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        void down() throws IOException {
            ServerSocket s = server;
            if (s != null) {
                s.close();
            }
            for (Socket socket : open) {
                socket.close();
            }
            open.clear();
        }

        @Override
        public void close() throws IOException {
            down();
        }
    }

    @Test
    void metricsAreKeptInMemoryWhileTheDatabaseIsDownAndWrittenWhenItIsBack() throws Exception {
        String application = "persist-" + UUID.randomUUID();
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        List<ToolStatistics> run = new CopyOnWriteArrayList<>();
        try (Proxy proxy = new Proxy()) {
            Configuration c = config("toolwarden.db.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test",
                    "toolwarden.db.user", "postgres", "toolwarden.application", application);
            MetricsPersistence p = new MetricsPersistence(c, () -> run, alerts::add);
            try {
                run.add(new ToolStatistics("search", ExecutionKind.TOOL, 3, 0, 0, 0, 0, 0, Duration.ofMillis(30),
                        Duration.ofMillis(15), Duration.ofMillis(9), Duration.ofMillis(14), Duration.ofMillis(15),
                        Duration.ZERO, 0, 0, 0));
                p.flush(); // the database is down at start-up
                assertFalse(p.up());
                assertEquals(1, alerts.size(), alerts::toString);
                assertEquals("DATABASE", alerts.get(0).resource());
                assertFalse(alerts.get(0).cleared());
                p.flush();
                assertEquals(1, alerts.size(), "one alert, not one per attempt");

                proxy.up();
                p.flush();
                assertTrue(p.up());
                assertTrue(alerts.get(alerts.size() - 1).cleared(), "cleared when it answers");
                try (DatabaseConnectionManager direct = DatabaseConnectionManager.builder("jdbc:postgresql://127.0.0.1:5432/test")
                        .credentials("postgres", "").size(1, 0).build()) {
                    StoredMetrics stored = new MetricsStore(direct.dataSource(), application).read("search");
                    assertEquals(3, stored.calls(), "what was kept in memory is written once the database is back");
                    p.freshNanos = Long.MAX_VALUE;
                    assertNull(p.historyOf("search"), "as read when the database opened, before this run wrote: none");
                    p.freshNanos = 0;
                    assertEquals(0, p.historyOf("search").calls(),
                            "the history before this run: the row less what this run wrote, so nothing counts twice");

                    proxy.down();
                    run.set(0, new ToolStatistics("search", ExecutionKind.TOOL, 7, 1, 0, 0, 0, 0, Duration.ofMillis(70),
                            Duration.ofMillis(15), Duration.ofMillis(9), Duration.ofMillis(14), Duration.ofMillis(15),
                            Duration.ZERO, 0, 0, 0));
                    p.flush(); // down again, later
                    assertFalse(p.up());
                    proxy.up();
                    // The pool finds out that its connection broke and opens a new one: a flush or two.
                    long until = System.nanoTime() + 20_000_000_000L;
                    do {
                        p.flush();
                    } while (!p.up() && System.nanoTime() < until);
                    assertTrue(p.up(), "back after the second outage");
                    assertEquals(7, new MetricsStore(direct.dataSource(), application).read("search").calls());
                }
            } finally {
                p.close();
            }
        }
    }

    @Test
    void theExitWriteIsTriedEvenAfterAFailedOneSinceTheDatabaseMayBeBack() throws Exception {
        String application = "persist-exit-" + UUID.randomUUID();
        List<ToolStatistics> run = new CopyOnWriteArrayList<>();
        try (Proxy proxy = new Proxy()) {
            Configuration c = config("toolwarden.db.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/test",
                    "toolwarden.db.user", "postgres", "toolwarden.application", application);
            MetricsPersistence p = new MetricsPersistence(c, () -> run, a -> { });
            try {
                run.add(new ToolStatistics("exit", ExecutionKind.TOOL, 4, 0, 0, 0, 0, 0, Duration.ofMillis(40),
                        Duration.ofMillis(10), Duration.ofMillis(9), Duration.ofMillis(14), Duration.ofMillis(15),
                        Duration.ZERO, 0, 0, 0));
                p.flush(); // a short outage: the scheduled write fails
                assertFalse(p.up());
                proxy.up(); // back before the next scheduled write; the JVM exits first
                p.flushAtExit();
                assertTrue(p.up());
            } finally {
                p.close();
            }
            try (DatabaseConnectionManager direct = DatabaseConnectionManager.builder("jdbc:postgresql://127.0.0.1:5432/test")
                    .credentials("postgres", "").size(1, 0).build()) {
                assertEquals(4, new MetricsStore(direct.dataSource(), application).read("exit").calls(),
                        "the calls since the last write are not lost");
            }
        }
    }

    @Test
    void anEmbeddedH2UrlIsKeptOpenUntilThePoolClosesIt() {
        assertEquals("jdbc:h2:file:/tmp/x;DB_CLOSE_ON_EXIT=FALSE", MetricsPersistence.keepOpenAtExit("jdbc:h2:file:/tmp/x"));
        assertEquals("jdbc:h2:mem:a;db_close_on_exit=true", MetricsPersistence.keepOpenAtExit("jdbc:h2:mem:a;db_close_on_exit=true"));
        assertEquals("jdbc:postgresql://h/db", MetricsPersistence.keepOpenAtExit("jdbc:postgresql://h/db"));
        assertEquals("jdbc:h2:file:/tmp/x;AUTO_SERVER=TRUE", MetricsPersistence.keepOpenAtExit("jdbc:h2:file:/tmp/x;AUTO_SERVER=TRUE"),
                "H2 refuses AUTO_SERVER together with DB_CLOSE_ON_EXIT=FALSE");
        assertTrue(MetricsPersistence.defaultUrl().startsWith("jdbc:h2:file:" + System.getProperty("user.home")));
    }
}
