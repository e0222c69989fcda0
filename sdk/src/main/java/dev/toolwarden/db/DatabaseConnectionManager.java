package dev.toolwarden.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.toolwarden.PoolStatistics;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * A HikariCP pool with the reference design's settings: 10 connections kept plus an overflow of 20
 * (at most 30, 10 kept idle), 30 s to acquire a connection, connections recycled after an hour and
 * checked before use (HikariCP validates a connection that has been idle more than half a second
 * before lending it). Every setting can be overridden. It starts even while the database is down
 * (connections are opened when it comes back), so an application never fails to start for it.
 *
 * <p>{@link #health()} makes a real round trip; {@link #statistics()} reads HikariCP's own pool
 * MXBean (active, idle, total, waiting), never counts by hand.
 */
public final class DatabaseConnectionManager implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final String name;

    private DatabaseConnectionManager(Builder b) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(b.name);
        String dataSourceClass = dataSourceFor(b.url);
        if (dataSourceClass != null) {
            // The driver's own DataSource, not java.sql.DriverManager: DriverManager scans for drivers
            // once per JVM, through the context class loader of whoever asks first; the agent asking
            // first would hide the application's drivers from it.
            c.setDataSourceClassName(dataSourceClass);
            c.addDataSourceProperty("url", b.url);
        } else {
            initDriverManagerForTheApplication();
            c.setJdbcUrl(b.url);
        }
        if (b.user != null) {
            c.setUsername(b.user);
        }
        if (b.password != null) {
            c.setPassword(b.password);
        }
        c.setMaximumPoolSize(b.poolSize + b.overflow);
        c.setMinimumIdle(b.poolSize);
        c.setConnectionTimeout(b.acquireTimeout.toMillis());
        c.setMaxLifetime(b.maxLifetime.toMillis());
        // Start without the database: the pool fills once it is reachable.
        c.setInitializationFailTimeout(-1);
        c.setDataSourceProperties(b.properties);
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // HikariCP looks drivers up through the context class loader first: the SDK's own, here.
        Thread.currentThread().setContextClassLoader(DatabaseConnectionManager.class.getClassLoader());
        try {
            this.dataSource = new HikariDataSource(c);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        this.name = b.name;
    }

    /** The DataSource class of the databases Toolwarden ships drivers for; others go through JDBC's DriverManager. */
    static String dataSourceFor(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return "org.h2.jdbcx.JdbcDataSource";
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return "org.postgresql.ds.PGSimpleDataSource";
        }
        return null;
    }

    /**
     * Lets DriverManager make its one-time scan for drivers through the system class loader, as the
     * application's first JDBC call would, before anything of Toolwarden's asks it for a driver.
     */
    private static void initDriverManagerForTheApplication() {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(ClassLoader.getSystemClassLoader());
        try {
            java.sql.DriverManager.getDrivers();
        } catch (RuntimeException | LinkageError e) {
            // the application's drivers will be found when it asks
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    /**
     * @param jdbcUrl where the database is
     * @return a builder with the reference settings
     */
    public static Builder builder(String jdbcUrl) {
        return new Builder(jdbcUrl);
    }

    /** @return the pool, as a {@link DataSource} */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * @return a connection from the pool; close it to give it back
     * @throws SQLException when none can be had within the acquire timeout
     */
    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** @return the pool's name */
    public String name() {
        return name;
    }

    /**
     * A round trip to the database: a connection from the pool, {@code SELECT 1}, its result.
     *
     * @return up or down, the latency, and the error
     */
    public PoolHealth health() {
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(5);
            try (ResultSet r = s.executeQuery("SELECT 1")) {
                r.next();
            }
            return new PoolHealth(true, Duration.ofNanos(System.nanoTime() - start), null);
        } catch (SQLException | RuntimeException e) {
            return new PoolHealth(false, Duration.ofNanos(System.nanoTime() - start), e.getMessage());
        }
    }

    /** @return the pool's utilisation, from HikariCP's pool MXBean */
    public PoolStatistics statistics() {
        return statistics(name, dataSource.getHikariPoolMXBean(), dataSource.getMaximumPoolSize());
    }

    static PoolStatistics statistics(String name, HikariPoolMXBean bean, int max) {
        if (bean == null) {
            return new PoolStatistics(name, 0, 0, 0, 0, max);
        }
        return new PoolStatistics(name, bean.getActiveConnections(), bean.getIdleConnections(),
                bean.getTotalConnections(), bean.getThreadsAwaitingConnection(), max);
    }

    /** @return the underlying HikariCP pool, for settings this class does not expose */
    public HikariDataSource hikari() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /** Settings of a pool; the defaults are the reference design's. */
    public static final class Builder {
        private final String url;
        private String name = "toolwarden";
        private String user;
        private String password;
        private int poolSize = 10;
        private int overflow = 20;
        private Duration acquireTimeout = Duration.ofSeconds(30);
        private Duration maxLifetime = Duration.ofHours(1);
        private final Properties properties = new Properties();

        private Builder(String url) {
            this.url = Objects.requireNonNull(url, "url");
            if (!url.startsWith("jdbc:")) {
                throw new IllegalArgumentException("'" + url + "' is not a JDBC URL (jdbc:...)");
            }
        }

        /**
         * @param poolName the pool's name, in statistics, events and alerts
         * @return this
         */
        public Builder name(String poolName) {
            this.name = Objects.requireNonNull(poolName, "poolName");
            return this;
        }

        /**
         * @param user the database user
         * @param password its password
         * @return this
         */
        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * @param kept connections kept open (10)
         * @param extra connections opened on demand beyond them (20)
         * @return this
         */
        public Builder size(int kept, int extra) {
            if (kept < 1 || extra < 0) {
                throw new IllegalArgumentException("pool size " + kept + " + " + extra + ": expected at least 1 kept, 0 extra");
            }
            this.poolSize = kept;
            this.overflow = extra;
            return this;
        }

        /**
         * @param timeout how long a caller waits for a connection (30 s)
         * @return this
         */
        public Builder acquireTimeout(Duration timeout) {
            this.acquireTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param lifetime when connections are recycled (1 h)
         * @return this
         */
        public Builder maxLifetime(Duration lifetime) {
            this.maxLifetime = Objects.requireNonNull(lifetime, "lifetime");
            return this;
        }

        /**
         * @param key a driver property
         * @param value its value
         * @return this
         */
        public Builder property(String key, String value) {
            properties.setProperty(key, value);
            return this;
        }

        /** @return the pool, started (its connections open as the database answers) */
        public DatabaseConnectionManager build() {
            return new DatabaseConnectionManager(this);
        }
    }
}
