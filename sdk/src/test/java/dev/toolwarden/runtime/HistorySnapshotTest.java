package dev.toolwarden.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.ExecutionKind;
import dev.toolwarden.ToolStatistics;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.db.StoredMetrics;
import dev.toolwarden.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy of an embedded H2 metrics file's rows that lets the next JVM rank its tools without opening H2. */
class HistorySnapshotTest {

    @TempDir
    Path dir;

    private static ToolStatistics stats(String tool, long calls, long errors) {
        return new ToolStatistics(tool, ExecutionKind.TOOL, calls, errors, 0, 0, 0, 0, Duration.ofMillis(10 * calls),
                Duration.ofMillis(15), Duration.ofMillis(9), Duration.ofMillis(14), Duration.ofMillis(15), Duration.ZERO,
                0, 0, 0);
    }

    private Configuration config(String application) {
        return DatabasePersistenceTest.config("toolwarden.db.url", "jdbc:h2:file:" + dir.resolve("metrics"),
                "toolwarden.application", application);
    }

    /** One JVM's life: its calls written at exit, the database closed. */
    private void run(String application, ToolStatistics... calls) {
        MetricsPersistence p = new MetricsPersistence(config(application), () -> List.of(calls), a -> { });
        p.flush();
        assertTrue(p.up());
        p.close();
    }

    @Test
    void theNextJvmReadsTheHistoryFromTheCopyWithoutOpeningTheDatabase() throws Exception {
        run("app", stats("search", 3, 1), stats("fetch", 2, 0));
        run("other", stats("search", 7, 0));
        Path copy = dir.resolve("metrics.toolwarden-history");
        assertTrue(Files.exists(copy), "written when the database closed");

        List<ToolStatistics> now = new CopyOnWriteArrayList<>();
        MetricsPersistence p = new MetricsPersistence(config("app"), () -> now, a -> { });
        try {
            assertTrue(p.historyFromCopy());
            assertFalse(p.up(), "not opened");
            assertEquals(java.util.Set.of("search", "fetch"), p.rememberedTools(), "this application's rows only");
            StoredMetrics search = p.historyOf("search");
            assertEquals(3, search.calls());
            assertEquals(1, search.errors());
            assertEquals(30_000_000L, search.totalNanos());
            assertEquals(14_000_000L, search.p95Nanos());
            p.flush(); // nothing new: the database stays closed, the copy stays
            assertFalse(p.up());
            assertTrue(Files.exists(copy));

            now.add(stats("search", 1, 0));
            p.flush(); // something to write: the database opens, and the copy goes
            assertTrue(p.up());
            assertFalse(p.historyFromCopy());
            assertFalse(Files.exists(copy), "deleted before the database changed");
        } finally {
            p.close();
        }
        assertTrue(Files.exists(copy), "written again at the close");
        MetricsPersistence next = new MetricsPersistence(config("app"), List::of, a -> { });
        try {
            assertTrue(next.historyFromCopy());
            assertEquals(4, next.historyOf("search").calls(), "the copy holds what the last JVM wrote");
        } finally {
            next.close();
        }
    }

    @Test
    void aCopyOlderThanTheDatabaseIsNotUsed() throws Exception {
        run("app", stats("search", 3, 1));
        Path copy = dir.resolve("metrics.toolwarden-history");
        byte[] kept = Files.readAllBytes(copy);
        run("app", stats("search", 2, 0));
        Files.write(copy, kept); // as if a JVM that wrote the database had died before writing its copy

        MetricsPersistence p = new MetricsPersistence(config("app"), List::of, a -> { });
        try {
            assertFalse(p.historyFromCopy(), "the database file changed since that copy");
            p.flush(); // opens the database: the history is read from it
            assertEquals(5, p.historyOf("search").calls(), "read from the database");
        } finally {
            p.close();
        }
    }

    @Test
    void anUnreadableCopyIsIgnoredWithOneLine() throws Exception {
        run("app", stats("search", 3, 1));
        Path copy = dir.resolve("metrics.toolwarden-history");
        byte[] bytes = Files.readAllBytes(copy);
        Files.write(copy, java.util.Arrays.copyOf(bytes, bytes.length - 9)); // cut short

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        MetricsPersistence p;
        try {
            p = new MetricsPersistence(config("app"), List::of, a -> { });
        } finally {
            Log.setOutput(System.err);
        }
        try {
            assertFalse(p.historyFromCopy());
            String lines = log.toString(StandardCharsets.UTF_8);
            assertEquals(1, lines.lines().count(), lines);
            assertTrue(lines.contains("ignoring the metrics history copy") && lines.contains("cut short"), lines);
            p.flush(); // opens the database: the history is read from it
            assertEquals(3, p.historyOf("search").calls(), "read from the database");
        } finally {
            p.close();
        }
    }

    @Test
    void onlyEmbeddedFileDatabasesHaveACopy() {
        assertEquals(dir.resolve("m.toolwarden-history"), HistorySnapshot.of("jdbc:h2:file:" + dir.resolve("m") + ";MODE=PostgreSQL").file());
        assertEquals(Path.of(System.getProperty("user.home"), "x", "m.toolwarden-history"),
                HistorySnapshot.of("jdbc:h2:~/x/m").file());
        assertNotNull(HistorySnapshot.of("jdbc:h2:./m"));
        assertNull(HistorySnapshot.of("jdbc:h2:mem:m"));
        assertNull(HistorySnapshot.of("jdbc:h2:tcp://localhost/~/m"));
        assertNull(HistorySnapshot.of("jdbc:h2:file:/tmp/m;AUTO_SERVER=TRUE"), "others write to it while this JVM runs");
        assertNull(HistorySnapshot.of("jdbc:h2:file:/tmp/m;CIPHER=AES"), "a copy would not be encrypted");
        assertNull(HistorySnapshot.of("jdbc:h2:file:/tmp/m;DB_CLOSE_DELAY=-1"), "still open when the pool closes");
        assertNotNull(HistorySnapshot.of("jdbc:h2:file:/tmp/m;DB_CLOSE_DELAY=0;MODE=PostgreSQL"));
        assertNull(HistorySnapshot.of("jdbc:postgresql://127.0.0.1:5432/test"));
    }

    @Test
    void aDatabaseWithAPasswordGetsNoCopy() {
        Configuration c = DatabasePersistenceTest.config("toolwarden.db.url", "jdbc:h2:file:" + dir.resolve("secret"),
                "toolwarden.db.user", "sa", "toolwarden.db.password", "s3cret", "toolwarden.application", "app");
        MetricsPersistence p = new MetricsPersistence(c, () -> List.of(stats("search", 3, 1)), a -> { });
        p.flush();
        assertTrue(p.up());
        p.close();
        assertTrue(Files.exists(dir.resolve("secret.mv.db")));
        assertFalse(Files.exists(dir.resolve("secret.toolwarden-history")), "its rows are the database's to protect");
    }

    @Test
    void theCopyKeepsEveryFieldOfARow() throws Exception {
        Path db = dir.resolve("f");
        Files.writeString(dir.resolve("f.mv.db"), "stand-in for the database file");
        HistorySnapshot s = HistorySnapshot.of("jdbc:h2:file:" + db);
        StoredMetrics row = new StoredMetrics("t\u00e9l\u00e9phone\ttab", "CHAT", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                14, 15, Instant.ofEpochSecond(1_800_000_000L, 123_456_789));
        s.write(java.util.Map.of("a", java.util.Map.of(row.tool(), row)));
        assertEquals(java.util.Map.of(row.tool(), row), s.read("a"));
        assertEquals(java.util.Map.of(), s.read("b"));
        Files.writeString(dir.resolve("f.mv.db"), "stand-in for the database file, written again");
        assertNull(s.read("a"), "the file changed");
    }
}
