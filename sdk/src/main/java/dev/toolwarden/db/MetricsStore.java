package dev.toolwarden.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Tool metrics in a database, one row per application and tool, shared by every instance of the
 * application: instances {@link #add add} what they did since their last write, and the database
 * does the sums. Plain SQL that H2 and PostgreSQL
 * (and most others) run as written. The schema is created and migrated by {@link #migrate()}: a
 * {@code toolwarden_schema} table records the version, and each migration runs once, in order.
 */
public final class MetricsStore {

    /** No statement waits longer than this for the database (a half-open connection, a lock). */
    static final int QUERY_TIMEOUT_SECONDS = 10;

    /** The longest tool name the table holds. */
    static final int MAX_TOOL = 500;
    /** The longest application name the table holds. */
    static final int MAX_APPLICATION = 200;

    /** The schema version this code writes. */
    public static final int SCHEMA_VERSION = 2;

    private static final List<String> MIGRATIONS = List.of(
            // 1: the tool metrics table
            "CREATE TABLE IF NOT EXISTS toolwarden_tool_metrics ("
                    + "application VARCHAR(200) NOT NULL, tool VARCHAR(500) NOT NULL, kind VARCHAR(10) NOT NULL, "
                    + "calls BIGINT NOT NULL, errors BIGINT NOT NULL, timeouts BIGINT NOT NULL, "
                    + "rejected BIGINT NOT NULL, fallbacks BIGINT NOT NULL, cache_hits BIGINT NOT NULL, "
                    + "total_nanos BIGINT NOT NULL, max_nanos BIGINT NOT NULL, p50_nanos BIGINT NOT NULL, "
                    + "p95_nanos BIGINT NOT NULL, p99_nanos BIGINT NOT NULL, cpu_nanos BIGINT NOT NULL, "
                    + "cpu_calls BIGINT NOT NULL, allocated_bytes BIGINT NOT NULL, allocation_calls BIGINT NOT NULL, "
                    + "updated_at TIMESTAMP NOT NULL, PRIMARY KEY (application, tool))",
            // 2: rows are incremented by every instance (add), no longer replaced; no change of tables, but
            // a Toolwarden that still replaces rows must stop writing here, and it refuses a newer schema.
            "SELECT 1 FROM toolwarden_schema WHERE 1 = 0");

    private static final String COLUMNS = "kind, calls, errors, timeouts, rejected, fallbacks, cache_hits, total_nanos, "
            + "max_nanos, p50_nanos, p95_nanos, p99_nanos, cpu_nanos, cpu_calls, allocated_bytes, allocation_calls, "
            + "updated_at";

    private final DataSource dataSource;
    private final String application;

    /**
     * @param dataSource where the metrics are
     * @param application the application's name: each keeps its own rows
     */
    public MetricsStore(DataSource dataSource, String application) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.application = Objects.requireNonNull(application, "application");
    }

    /**
     * Creates the tables, or brings them to {@link #SCHEMA_VERSION}. Safe to run from several JVMs at once.
     *
     * @return the version found before
     * @throws SQLException when the database cannot be reached or refuses
     */
    public int migrate() throws SQLException {
        for (int attempt = 1;; attempt++) {
            try {
                return migrateOnce();
            } catch (SQLException e) {
                // Several JVMs creating the tables at one instant: PostgreSQL lets each pass IF NOT EXISTS, and all
                // but one then fail on its catalog's unique index (23505), on the table's row type (42710) or on a
                // duplicate table (42P07). Asking again finds the tables made.
                String state = e.getSQLState();
                if (attempt >= 5 || !("23505".equals(state) || "42710".equals(state) || "42P07".equals(state))) {
                    throw e;
                }
                try {
                    Thread.sleep(20L * attempt); // the other JVM is still creating: let it finish
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private int migrateOnce() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            s.execute("CREATE TABLE IF NOT EXISTS toolwarden_schema (version INT NOT NULL)");
            int found = 0;
            try (ResultSet r = s.executeQuery("SELECT MAX(version) FROM toolwarden_schema")) {
                if (r.next()) {
                    found = r.getInt(1);
                }
            }
            if (found > SCHEMA_VERSION) {
                throw new SQLException("the metrics schema is at version " + found + ", newer than this Toolwarden's "
                        + SCHEMA_VERSION + ": use a newer Toolwarden or another database");
            }
            for (int v = found + 1; v <= SCHEMA_VERSION; v++) {
                s.execute(MIGRATIONS.get(v - 1));
                s.execute("INSERT INTO toolwarden_schema (version) VALUES (" + v + ")");
            }
            return found;
        }
    }

    /**
     * @return every tool's stored metrics of this application, by tool name
     * @throws SQLException when the database cannot be read
     */
    public Map<String, StoredMetrics> load() throws SQLException {
        Map<String, StoredMetrics> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT tool, " + COLUMNS + " FROM toolwarden_tool_metrics WHERE application = ? ORDER BY tool")) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            s.setString(1, application);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    StoredMetrics m = row(r, 0);
                    out.put(m.tool(), m);
                }
            }
        }
        return out;
    }

    /**
     * @param limit the most rows to read
     * @return the stored metrics of every application, by application and tool, or {@code null} when
     *     there are more than {@code limit} rows
     * @throws SQLException when the database cannot be read
     */
    public Map<String, Map<String, StoredMetrics>> loadEveryApplication(int limit) throws SQLException {
        Map<String, Map<String, StoredMetrics>> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT application, tool, " + COLUMNS + " FROM toolwarden_tool_metrics ORDER BY application, tool")) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            s.setMaxRows(limit + 1);
            try (ResultSet r = s.executeQuery()) {
                int rows = 0;
                while (r.next()) {
                    if (++rows > limit) {
                        return null;
                    }
                    String application = r.getString(1);
                    Map<String, StoredMetrics> tools = out.get(application);
                    if (tools == null) {
                        out.put(application, tools = new LinkedHashMap<>());
                    }
                    StoredMetrics m = row(r, 1);
                    tools.put(m.tool(), m);
                }
            }
        }
        return out;
    }

    /**
     * @param tool a tool name
     * @return its stored metrics, or {@code null}
     * @throws SQLException when the database cannot be read
     */
    public StoredMetrics read(String tool) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT tool, " + COLUMNS + " FROM toolwarden_tool_metrics WHERE application = ? AND tool = ?")) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            s.setString(1, application);
            s.setString(2, tool);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? row(r, 0) : null;
            }
        }
    }

    /** The row whose tool is column {@code skip + 1}, the others following it in {@link #COLUMNS}' order. */
    private static StoredMetrics row(ResultSet r, int skip) throws SQLException {
        Timestamp updated = r.getTimestamp(skip + 18);
        return new StoredMetrics(r.getString(skip + 1), r.getString(skip + 2), r.getLong(skip + 3),
                r.getLong(skip + 4), r.getLong(skip + 5), r.getLong(skip + 6), r.getLong(skip + 7), r.getLong(skip + 8),
                r.getLong(skip + 9), r.getLong(skip + 10), r.getLong(skip + 11), r.getLong(skip + 12),
                r.getLong(skip + 13), r.getLong(skip + 14), r.getLong(skip + 15), r.getLong(skip + 16),
                r.getLong(skip + 17), updated == null ? java.time.Instant.EPOCH : updated.toInstant());
    }

    /**
     * Writes rows, replacing the stored ones of the same tools, in one transaction.
     *
     * @param rows the rows
     * @throws SQLException when the database cannot be written (nothing is written then)
     */
    public void write(Collection<StoredMetrics> rows) throws SQLException {
        upsert(fitting(rows), REPLACE, false);
    }

    private List<StoredMetrics> fitting(Collection<StoredMetrics> rows) throws SQLException {
        if (application.length() > MAX_APPLICATION) {
            throw new SQLException("the application name is longer than " + MAX_APPLICATION + " characters: "
                    + application.substring(0, 40) + "...");
        }
        List<StoredMetrics> fitting = new java.util.ArrayList<>(rows.size());
        for (StoredMetrics m : rows) {
            if (m.tool().length() <= MAX_TOOL) {
                fitting.add(m);
            } else {
                // One name too long for its column must not stop every other tool's metrics being written.
                dev.toolwarden.log.Log.warnOnce("long-tool:" + m.tool(), "the metrics of tool " + m.tool().substring(0, 40)
                        + "... are not persisted: its name is longer than " + MAX_TOOL + " characters");
            }
        }
        return fitting;
    }

    /**
     * Adds a run's new calls to the stored rows, in one transaction: every count and sum is
     * incremented by the database ({@code calls = calls + ?}), so instances of one application that
     * write to the same rows at the same time lose none of each other's calls. The maximum is the
     * larger of the two; the percentiles are those of the writer's run when it had calls that ran.
     *
     * @param deltas per tool, what happened since the writer's last successful {@code add}
     * @throws SQLException when the database cannot be written (nothing is written then)
     */
    public void add(Collection<StoredMetrics> deltas) throws SQLException {
        upsert(fitting(deltas), INCREMENT, true);
    }

    /** Replaces a row's figures with the given ones. */
    private static final String REPLACE = "UPDATE toolwarden_tool_metrics SET kind = ?, calls = ?, errors = ?, "
            + "timeouts = ?, rejected = ?, fallbacks = ?, cache_hits = ?, total_nanos = ?, max_nanos = ?, p50_nanos = ?, "
            + "p95_nanos = ?, p99_nanos = ?, cpu_nanos = ?, cpu_calls = ?, allocated_bytes = ?, allocation_calls = ?, "
            + "updated_at = ? WHERE application = ? AND tool = ?";

    /** Adds the given figures to a row's: sums incremented, the larger maximum, percentiles when given. */
    private static final String INCREMENT = "UPDATE toolwarden_tool_metrics SET kind = ?, "
            + "calls = calls + ?, errors = errors + ?, timeouts = timeouts + ?, rejected = rejected + ?, "
            + "fallbacks = fallbacks + ?, cache_hits = cache_hits + ?, total_nanos = total_nanos + ?, "
            + "max_nanos = GREATEST(max_nanos, ?), p50_nanos = COALESCE(?, p50_nanos), "
            + "p95_nanos = COALESCE(?, p95_nanos), p99_nanos = COALESCE(?, p99_nanos), "
            + "cpu_nanos = cpu_nanos + ?, cpu_calls = cpu_calls + ?, allocated_bytes = allocated_bytes + ?, "
            + "allocation_calls = allocation_calls + ?, updated_at = ? WHERE application = ? AND tool = ?";

    /**
     * Updates each row, or inserts it when there is none, in one transaction; tried again (up to
     * three times in all) when the database rolled it back for a reason a retry resolves.
     */
    private void upsert(List<StoredMetrics> rows, String update, boolean increments) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        // Every writer locks the rows in the same order, so that two writers never deadlock.
        rows.sort(ByTool.INSTANCE);
        for (int attempt = 1;; attempt++) {
            try {
                upsertOnce(rows, update, increments);
                return;
            } catch (SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                // 23xxx: another writer inserted one of the rows between our UPDATE and INSERT (now the
                // UPDATE finds it); 40xxx: a deadlock or serialization failure the database rolled back.
                if (attempt >= 3 || !(state.startsWith("23") || state.startsWith("40"))) {
                    throw e;
                }
            }
        }
    }

    private void upsertOnce(Collection<StoredMetrics> rows, String updateSql, boolean increments) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement(updateSql);
                    PreparedStatement insert = c.prepareStatement("INSERT INTO toolwarden_tool_metrics (" + COLUMNS
                            + ", application, tool) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                update.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                insert.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                for (StoredMetrics m : rows) {
                    bind(update, m);
                    if (increments && m.calls() - m.cacheHits() - m.rejected() <= 0) {
                        // no call ran (hits and refusals are not timed) since the last write: the stored percentiles stay
                        update.setNull(10, java.sql.Types.BIGINT);
                        update.setNull(11, java.sql.Types.BIGINT);
                        update.setNull(12, java.sql.Types.BIGINT);
                    }
                    if (update.executeUpdate() == 0) {
                        bind(insert, m);
                        insert.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private void bind(PreparedStatement s, StoredMetrics m) throws SQLException {
        s.setString(1, m.kind());
        s.setLong(2, m.calls());
        s.setLong(3, m.errors());
        s.setLong(4, m.timeouts());
        s.setLong(5, m.rejected());
        s.setLong(6, m.fallbacks());
        s.setLong(7, m.cacheHits());
        s.setLong(8, m.totalNanos());
        s.setLong(9, m.maxNanos());
        s.setLong(10, m.p50Nanos());
        s.setLong(11, m.p95Nanos());
        s.setLong(12, m.p99Nanos());
        s.setLong(13, m.cpuNanos());
        s.setLong(14, m.cpuCalls());
        s.setLong(15, m.allocatedBytes());
        s.setLong(16, m.allocationCalls());
        s.setTimestamp(17, Timestamp.from(m.updated()));
        s.setString(18, application);
        s.setString(19, m.tool());
    }

    /** By tool name. (Not a lambda: the first write may come while the application starts.) */
    private static final class ByTool implements java.util.Comparator<StoredMetrics> {
        static final ByTool INSTANCE = new ByTool();

        @Override
        public int compare(StoredMetrics a, StoredMetrics b) {
            return a.tool().compareTo(b.tool());
        }
    }
}
