package dev.toolwarden.runtime;

import dev.toolwarden.Alert;
import dev.toolwarden.ToolStatistics;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.config.Keys;
import dev.toolwarden.db.DatabaseConnectionManager;
import dev.toolwarden.db.MetricsStore;
import dev.toolwarden.db.StoredMetrics;
import dev.toolwarden.log.Log;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps the tool metrics in {@code toolwarden.db.url} (embedded H2 under {@code ~/.toolwarden} by
 * default): reads the stored history when it starts, and adds what this run did since its last write
 * every {@code toolwarden.db.flush-interval} and when the JVM exits, as increments, so that several
 * instances of one application can share the rows. All of it runs on the metrics thread, never on
 * the application's.
 *
 * <p>A database that is down (at start-up or later) costs nothing but a log line and a
 * {@code DATABASE} alert: this run's totals stay in memory, where they are anyway (one aggregate per
 * tool, so the backlog is bounded by the number of tools and nothing is dropped), and the next write
 * that succeeds stores them, with a second log line.
 */
final class MetricsPersistence {

    private final String url;
    private final String application;
    private final DatabaseConnectionManager.Builder poolBuilder;
    /** Made when the database is first opened (on the metrics thread). */
    private volatile DatabaseConnectionManager pool;
    private volatile MetricsStore store;
    /** Told of the pool once it is made; may be {@code null}. */
    private volatile DatabaseWatch watch;
    /** The copy of an embedded H2 file's rows kept beside it, or {@code null}. */
    private final HistorySnapshot snapshot;
    /** Whether the database was opened and its history read. */
    private volatile boolean opened;
    /** Whether no pool can be made for the URL (found at the first open after the copy answered). */
    private volatile boolean unusable;
    private final Supplier<List<ToolStatistics>> current;
    private final Consumer<Alert> alerts;
    private volatile Map<String, StoredMetrics> history;
    /** When {@link #history} was read ({@link System#nanoTime()}). */
    private volatile long historyReadAt;
    /** How long after {@link #historyReadAt} the rows read then answer {@link #historyOf}; tests change it. */
    volatile long freshNanos = FRESH_NANOS;
    /** This run's totals as the last successful write stored them, by tool. */
    private volatile Map<String, StoredMetrics> written = Collections.emptyMap();
    private volatile boolean down;
    /** Odd while a write is under way: the row and {@link #written} disagree then. */
    private volatile int writing;
    private static final String POOL_NAME = "toolwarden-metrics";
    /** How long the rows read when the database opened answer for the database. */
    private static final long FRESH_NANOS = 1_000_000_000L;
    /** Released by the first attempt to open the database, successful or not. */
    private final java.util.concurrent.CountDownLatch tried = new java.util.concurrent.CountDownLatch(1);

    MetricsPersistence(Configuration configuration, Supplier<List<ToolStatistics>> current, Consumer<Alert> alerts) {
        String configured = configuration.get(Keys.DB_URL);
        this.url = keepOpenAtExit(configured.isEmpty() ? defaultUrl() : configured);
        DatabaseConnectionManager.Builder b = DatabaseConnectionManager.builder(url).name(POOL_NAME)
                .size(1, 1).acquireTimeout(Duration.ofSeconds(5));
        if (!configuration.get(Keys.DB_USER).isEmpty()) {
            b.credentials(configuration.get(Keys.DB_USER), configuration.get(Keys.DB_PASSWORD));
        }
        if (url.startsWith("jdbc:postgresql:")) {
            // A half-open connection must not hold a write (or the JVM's exit) for the minutes TCP takes.
            b.property("connectTimeout", "5").property("socketTimeout", "15");
        }
        this.poolBuilder = b;
        this.application = configuration.get(Keys.APPLICATION);
        this.current = current;
        this.alerts = alerts;
        // With a password the rows are the database's to protect: no copy of them beside it.
        this.snapshot = configuration.get(Keys.DB_PASSWORD).isEmpty() ? HistorySnapshot.of(url) : null;
        Map<String, StoredMetrics> copy = snapshot == null ? null : snapshot.read(application);
        if (copy != null) {
            // The rows as the last JVM to close the database left them, and nobody has written since: the
            // history before this run, without opening H2 while the application starts.
            historyReadAt = System.nanoTime();
            history = copy;
            tried.countDown();
            Log.debug("tool metrics history read from " + snapshot + " (" + copy.size()
                    + " tool(s)); the database opens at the first write");
        } else {
            pool(); // as before the copy existed: a URL no pool can take fails here, once, and nothing persists
        }
    }

    /** @param watch told of the pool when it is made */
    void watchedBy(DatabaseWatch watch) {
        synchronized (poolBuilder) {
            this.watch = watch;
            if (pool != null) {
                watch.watch(pool);
            }
        }
    }

    /** @return whether the history was read from the copy beside the database, which is not open yet */
    boolean historyFromCopy() {
        return !opened && history != null; // the history is set only by the copy or by opening the database
    }

    /**
     * Embedded H2 in the user's home. One JVM at a time has it open: a second JVM of the same user
     * finds it locked, says so once and keeps its metrics in memory (give each application its own
     * file with {@code toolwarden.db.url}, or a server). H2's AUTO_SERVER mode would share it, but
     * H2 refuses it together with DB_CLOSE_ON_EXIT=FALSE, which the last write at exit needs.
     */
    static String defaultUrl() {
        return "jdbc:h2:file:" + Paths.get(System.getProperty("user.home"), ".toolwarden", "metrics").toAbsolutePath();
    }

    /**
     * An embedded H2 database closes itself when the JVM exits, racing the last write of the
     * metrics: it is kept open, and closes with the pool.
     */
    static String keepOpenAtExit(String url) {
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        return url.startsWith("jdbc:h2:") && !upper.contains("DB_CLOSE_ON_EXIT") && !upper.contains("AUTO_SERVER=TRUE")
                ? url + ";DB_CLOSE_ON_EXIT=FALSE" : url;
    }

    /**
     * The last write, when the JVM exits: tried even when the last attempt failed, since the database
     * may have come back since (what is not written now is lost); the runtime bounds the exit's wait.
     */
    void flushAtExit() {
        flush();
    }

    /** @return the pool, made now if it was not (on the metrics thread only) */
    private DatabaseConnectionManager pool() {
        DatabaseConnectionManager p = pool;
        if (p == null) {
            synchronized (poolBuilder) {
                p = pool;
                if (p == null) {
                    p = poolBuilder.build();
                    store = new MetricsStore(p.dataSource(), application);
                    pool = p;
                    DatabaseWatch w = watch;
                    if (w != null) {
                        w.watch(p);
                    }
                }
            }
        }
        return p;
    }

    /** Creates the schema and reads the history; on failure, tries again at the next flush. */
    private boolean open() {
        if (opened) {
            return true;
        }
        if (unusable) {
            return false;
        }
        try {
            pool();
        } catch (RuntimeException | LinkageError e) {
            // A URL or driver no pool can be made with: not a database that is down, and no retry will help.
            unusable = true;
            Log.warn("tool metrics are not persisted: " + e);
            tried.countDown();
            return false;
        }
        try {
            if (snapshot != null) {
                snapshot.delete(); // the database is about to change: from now on only it knows
            }
            store.migrate();
            Map<String, StoredMetrics> loaded = store.load();
            historyReadAt = System.nanoTime();
            history = loaded;
            opened = true;
            Log.info("tool metrics persist to " + describe() + " (" + loaded.size() + " tool(s) of history)");
            return true;
        } catch (SQLException | RuntimeException e) {
            failed(e);
            return false;
        } finally {
            tried.countDown();
        }
    }

    /**
     * Adds what this run did since the last successful write to the stored rows (the database does
     * the sums, so instances of one application writing to one database lose none of each other's
     * calls). One at a time: the scheduled write and the one at exit may meet.
     */
    synchronized void flush() {
        Map<String, StoredMetrics> run = run();
        if (historyFromCopy() && !hasNewCalls(run)) {
            return; // nothing to write: the database stays closed, and its copy true
        }
        if (!open()) {
            return;
        }
        Map<String, StoredMetrics> before = written;
        Map<String, StoredMetrics> after = new LinkedHashMap<>(run);
        List<StoredMetrics> deltas = new ArrayList<>();
        for (Map.Entry<String, StoredMetrics> e : run.entrySet()) {
            String tool = e.getKey();
            StoredMetrics d = e.getValue().minus(before.get(tool));
            if (d.calls() > 0) {
                deltas.add(d);
            } else if (before.containsKey(tool)) {
                after.put(tool, before.get(tool)); // nothing sent for it: what was written stays what was written
            } else {
                after.remove(tool);
            }
        }
        writing++; // odd: a write is under way (readers of the history retry, see historyOf)
        try {
            store.add(deltas);
            written = after;
            if (down) {
                down = false;
                Log.info("the metrics database " + describe() + " answers again: " + deltas.size() + " tool(s) written");
                alerts.accept(new Alert("DATABASE", "HARD", 0, 0, POOL_NAME, true, Instant.now()));
            }
        } catch (SQLException | RuntimeException e) {
            failed(e);
        } finally {
            writing++;
        }
    }

    private boolean hasNewCalls(Map<String, StoredMetrics> run) {
        Map<String, StoredMetrics> before = written;
        for (Map.Entry<String, StoredMetrics> e : run.entrySet()) {
            if (e.getValue().minus(before.get(e.getKey())).calls() > 0) {
                return true;
            }
        }
        return false;
    }

    private void failed(Exception e) {
        if (!down) {
            down = true;
            Log.warn("the metrics database " + describe() + " cannot be used (" + e.getMessage()
                    + "): tool metrics are kept in memory and written when it answers");
            alerts.accept(new Alert("DATABASE", "HARD", 1, 0, POOL_NAME, false, Instant.now()));
        }
    }

    private String describe() {
        int semicolon = url.indexOf(';');
        return semicolon < 0 ? url : url.substring(0, semicolon);
    }

    private Map<String, StoredMetrics> run() {
        Map<String, StoredMetrics> run = new LinkedHashMap<>();
        for (ToolStatistics s : current.get()) {
            run.put(s.name(), StoredMetrics.of(s));
        }
        return run;
    }

    /** @return the tools the database remembered at start-up */
    java.util.Set<String> rememberedTools() {
        awaitFirstAttempt();
        Map<String, StoredMetrics> h = history;
        return h == null ? java.util.Set.of() : h.keySet();
    }

    /**
     * A tool's history before this run, read from the database: its row less what this run wrote
     * into it. Falls back to the history read at start-up when the database cannot be read.
     *
     * @param tool a tool
     * @return its history, or {@code null}
     */
    StoredMetrics historyOf(String tool) {
        awaitFirstAttempt();
        Map<String, StoredMetrics> loaded = history;
        if (loaded != null && System.nanoTime() - historyReadAt < freshNanos) {
            // Every row of this application was read a moment ago, before this run wrote anything: the
            // history before this run, as a query now would give it (but for another instance's write in
            // that moment), without a query of its own. A ranking right after start-up asks for each
            // candidate, and the first queries of a JVM are slow.
            return loaded.get(tool);
        }
        try {
            // The caller is an application thread: it reads only a database the metrics thread has
            // opened and that answered last time, never opens it, never waits for one known to be down.
            if (!down && opened) {
                // A row read while this run's write commits already holds the increment that written does
                // not yet: read again until the two agree (a sequence lock; writes are seconds apart).
                for (int attempt = 0;; attempt++) {
                    int before = writing;
                    StoredMetrics row = store.read(tool);
                    Map<String, StoredMetrics> mine = written;
                    if ((before & 1) == 0 && before == writing || attempt >= 20) {
                        return row == null ? null : row.minus(mine.get(tool));
                    }
                    Thread.sleep(5);
                }
            }
        } catch (SQLException | RuntimeException e) {
            failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, StoredMetrics> h = history;
        return h == null ? null : h.get(tool);
    }

    /**
     * An application that asks for its history right at start-up waits (at most the pool's acquire
     * timeout, once) for the metrics thread's first attempt to open the database, rather than being
     * told there is none.
     */
    private void awaitFirstAttempt() {
        if (tried.getCount() == 0) {
            return;
        }
        boolean interrupted = false;
        try {
            tried.await(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return whether the last attempt reached the database */
    boolean up() {
        return !down && opened;
    }

    /**
     * Closes the pool (and with it an embedded database). An embedded H2 file that this JVM opened and
     * wrote without a failure gets its rows copied beside it, for the next JVM's start-up.
     */
    void close() {
        DatabaseConnectionManager p = pool;
        if (p == null) {
            return;
        }
        Map<String, Map<String, StoredMetrics>> rows = null;
        if (snapshot != null && up()) {
            try {
                rows = store.loadEveryApplication(HistorySnapshot.MAX_ROWS);
            } catch (SQLException | RuntimeException e) {
                rows = null; // no copy: the next JVM opens the database
            }
        }
        p.close();
        if (rows != null) {
            snapshot.write(rows);
        }
    }
}
