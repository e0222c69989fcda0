package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.AppPools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/** Connection pools and the metrics database, with the agent. */
class DatabaseIT {

    private static final Path[] APP_LIBRARIES = {ChildJvm.jarOf(com.zaxxer.hikari.HikariDataSource.class),
        ChildJvm.jarOf(org.h2.Driver.class), ChildJvm.jarOf(org.slf4j.LoggerFactory.class)};

    @Test
    void theApplicationsOwnHikariPoolIsFoundWatchedAndAlertedOn() {
        ChildResult r = ChildJvm.app(AppPools.class).classpath(APP_LIBRARIES).recording()
                .agentArguments("monitor.interval=200ms").args("pool").run();
        assertEquals("4/4", r.values().get("pool"), r::describe);
        assertEquals("1", r.values().get("poolEntries"), "found through its data source and at its housekeeping: "
                + "watched once");
        assertEquals("[HARD/app-pool, SOFT/app-pool]", r.values().get("alerts"));
        List<RecordedEvent> events = r.events("toolwarden.ConnectionPool");
        assertTrue(events.stream().anyMatch(e -> e.getString("pool").equals("app-pool") && e.getInt("active") == 4
                && e.getInt("max") == 4), () -> "pool events: " + events);
    }

    @Test
    void toolMetricsWrittenByOneJvmAreReadBackByTheNextOnEmbeddedH2() throws Exception {
        Path dir = Paths.get("target/it-work/metrics-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(dir);
        String url = "db.url=jdbc:h2:file:" + dir.resolve("metrics");
        ChildResult first = ChildJvm.app(AppPools.class).agentArguments(url).args("write").run();
        assertEquals("5", first.values().get("written"), first::describe);
        assertTrue(Files.exists(dir.resolve("metrics.toolwarden-history")), "its rows copied beside the file at exit");
        ChildResult second = ChildJvm.app(AppPools.class).agentArguments(url).args("read").run();
        assertEquals("5", second.values().get("history"), second::describe);
        assertEquals("lookupOrder", second.values().get("ranking"), "a tool with a good record ranks first");
        assertTrue(second.agentLines().stream().noneMatch(l -> l.contains("tool metrics persist to")), () ->
                "read from the copy, and nothing to write: H2 not opened\n" + second.describe());
        ChildResult third = ChildJvm.app(AppPools.class).agentArguments(url).args("write").run();
        assertTrue(third.agentLines().stream().anyMatch(l -> l.contains("tool metrics persist to jdbc:h2:file:")
                && l.contains("(1 tool(s) of history)")), third::describe);
        ChildResult fourth = ChildJvm.app(AppPools.class).agentArguments(url).args("read").run();
        assertEquals("10", fourth.values().get("history"), "the copy the third JVM left: " + fourth.describe());

        // A copy that no longer matches the database file (a JVM that wrote and died before its exit) is not used.
        byte[] copy = Files.readAllBytes(dir.resolve("metrics.toolwarden-history"));
        ChildJvm.app(AppPools.class).agentArguments(url).args("write").run();
        Files.write(dir.resolve("metrics.toolwarden-history"), copy);
        ChildResult stale = ChildJvm.app(AppPools.class).agentArguments(url).args("read").run();
        assertEquals("15", stale.values().get("history"), stale::describe);
        assertTrue(stale.agentLines().stream().anyMatch(l -> l.contains("(1 tool(s) of history)")), stale::describe);
    }

    @Test
    void toolMetricsPersistToPostgres() {
        String url = "db.url=jdbc:postgresql://127.0.0.1:5432/test,db.user=postgres,application=it-" + System.nanoTime();
        ChildResult first = ChildJvm.app(AppPools.class).agentArguments(url).args("write").run();
        assertEquals("5", first.values().get("written"), first::describe);
        ChildResult second = ChildJvm.app(AppPools.class).agentArguments(url).args("read").run();
        assertEquals("5", second.values().get("history"), second::describe);
    }
}
