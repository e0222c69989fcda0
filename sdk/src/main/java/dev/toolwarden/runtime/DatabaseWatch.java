package dev.toolwarden.runtime;

import dev.toolwarden.Alert;
import dev.toolwarden.PoolStatistics;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.config.Keys;
import dev.toolwarden.db.DatabaseConnectionManager;
import dev.toolwarden.events.ConnectionPoolEvent;
import dev.toolwarden.monitor.Limit;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Watches connection pools: Toolwarden's own, and every {@code HikariDataSource} the application
 * creates (the agent weaves HikariCP's constructors to hand them over). Every interval it reads each
 * pool's HikariCP MXBean (never the connections' own path), records a {@code toolwarden.ConnectionPool}
 * event, and checks the pool's use against {@code toolwarden.limits.db.soft}/{@code .hard} (80/95 %
 * of its maximum) for {@code DB_CONNECTIONS} alerts. Application pools are held weakly.
 */
final class DatabaseWatch {


    private final List<Probe> probes = new CopyOnWriteArrayList<>();
    private final double soft;
    private final double hard;
    private final Consumer<Alert> alerts;

    DatabaseWatch(Configuration configuration, Consumer<Alert> alerts) {
        this.soft = configuration.get(Keys.DB_SOFT);
        this.hard = configuration.get(Keys.DB_HARD);
        this.alerts = alerts;
    }

    void watch(DatabaseConnectionManager pool) {
        probes.add(new Probe(pool.name(), new Limit("DB_CONNECTIONS", pool.name(), soft, hard)) {
            @Override
            PoolStatistics read() {
                return pool.hikari().isClosed() ? null : pool.statistics();
            }

            @Override
            boolean gone() {
                return pool.hikari().isClosed();
            }
        });
    }

    /** An application's {@code HikariDataSource}, read through reflection: its classes are the application's. */
    void watchApplicationPool(Object dataSource) {
        try {
            ClassLoader loader = dataSource.getClass().getClassLoader();
            Class<?> beanType = Class.forName("com.zaxxer.hikari.HikariPoolMXBean", false, loader);
            Class<?> configType = Class.forName("com.zaxxer.hikari.HikariConfig", false, loader);
            Method bean = dataSource.getClass().getMethod("getHikariPoolMXBean");
            Method closed = dataSource.getClass().getMethod("isClosed");
            Method name = configType.getMethod("getPoolName");
            Method max = configType.getMethod("getMaximumPoolSize");
            Method active = beanType.getMethod("getActiveConnections");
            Method idle = beanType.getMethod("getIdleConnections");
            Method total = beanType.getMethod("getTotalConnections");
            Method waiting = beanType.getMethod("getThreadsAwaitingConnection");
            WeakReference<Object> ref = new WeakReference<>(dataSource);
            probes.add(new Probe(null, null) {
                @Override
                PoolStatistics read() throws ReflectiveOperationException {
                    Object ds = ref.get();
                    if (ds == null || (Boolean) closed.invoke(ds)) {
                        return null;
                    }
                    Object b = bean.invoke(ds);
                    String n = String.valueOf(name.invoke(ds));
                    if (limit == null || !n.equals(poolName)) {
                        poolName = n; // HikariCP names a pool when it starts
                        limit = new Limit("DB_CONNECTIONS", n, soft, hard);
                    }
                    int m = (Integer) max.invoke(ds);
                    if (b == null) {
                        return null; // not started yet: it starts with its first connection
                    }
                    hikariPool = new WeakReference<>(b); // HikariCP's pool is its own MXBean
                    return new PoolStatistics(n, (Integer) active.invoke(b), (Integer) idle.invoke(b),
                            (Integer) total.invoke(b), (Integer) waiting.invoke(b), m);
                }

                @Override
                boolean gone() {
                    return ref.get() == null;
                }
            });
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            dev.toolwarden.log.Log.warnOnce("hikari:" + dataSource.getClass().getName(), "cannot watch the application's "
                    + "connection pool " + dataSource.getClass().getName() + " (" + e + ")");
        }
    }

    /**
     * A {@code com.zaxxer.hikari.pool.HikariPool} seen at its housekeeping: watched unless a data
     * source's probe (or an earlier sighting) covers it already. Its name and size are read from its
     * {@code HikariConfig} ({@code PoolBase.config}), its figures from itself (it is its own MXBean).
     */
    void watchApplicationHikariPool(Object hikariPool) {
        if (covered(hikariPool)) {
            return;
        }
        try {
            ClassLoader loader = hikariPool.getClass().getClassLoader();
            Class<?> beanType = Class.forName("com.zaxxer.hikari.HikariPoolMXBean", false, loader);
            Class<?> configType = Class.forName("com.zaxxer.hikari.HikariConfig", false, loader);
            java.lang.reflect.Field config = null;
            for (Class<?> c = hikariPool.getClass(); c != null && config == null; c = c.getSuperclass()) {
                for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                    if (f.getType() == configType) {
                        config = f;
                    }
                }
            }
            if (config == null) {
                throw new NoSuchFieldException("a HikariConfig field in " + hikariPool.getClass().getName());
            }
            config.setAccessible(true);
            Object cfg = config.get(hikariPool);
            Method name = configType.getMethod("getPoolName");
            Method max = configType.getMethod("getMaximumPoolSize");
            Method active = beanType.getMethod("getActiveConnections");
            Method idle = beanType.getMethod("getIdleConnections");
            Method total = beanType.getMethod("getTotalConnections");
            Method waiting = beanType.getMethod("getThreadsAwaitingConnection");
            java.lang.reflect.Field state = null;
            try {
                state = hikariPool.getClass().getDeclaredField("poolState");
                state.setAccessible(true);
            } catch (NoSuchFieldException | RuntimeException e) {
                // another HikariCP: a pool that is shut down then reads as empty
            }
            java.lang.reflect.Field shutDown = state;
            WeakReference<Object> ref = new WeakReference<>(hikariPool);
            Probe probe = new Probe(null, null) {
                @Override
                PoolStatistics read() throws ReflectiveOperationException {
                    Object p = ref.get();
                    if (p == null || shutDown != null && shutDown.getInt(p) == 2) { // HikariPool.POOL_SHUTDOWN
                        return null;
                    }
                    String n = String.valueOf(name.invoke(cfg));
                    if (limit == null || !n.equals(poolName)) {
                        poolName = n;
                        limit = new Limit("DB_CONNECTIONS", n, soft, hard);
                    }
                    return new PoolStatistics(n, (Integer) active.invoke(p), (Integer) idle.invoke(p),
                            (Integer) total.invoke(p), (Integer) waiting.invoke(p), (Integer) max.invoke(cfg));
                }

                @Override
                boolean gone() {
                    return ref.get() == null;
                }
            };
            probe.hikariPool = ref;
            probe.sighted = true;
            probes.add(probe);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            dev.toolwarden.log.Log.warnOnce("hikari-pool:" + hikariPool.getClass().getName(), "cannot watch the "
                    + "application's connection pool " + hikariPool + " (" + e + ")");
        }
    }

    /** @return whether a probe watches this pool already */
    private boolean covered(Object hikariPool) {
        for (Probe p : probes) {
            if (p.hikariPool != null && p.hikariPool.get() == hikariPool) {
                return true;
            }
        }
        return false;
    }

    /** Reads every pool once: events and alerts. Runs on the housekeeping thread. */
    void check() {
        Instant now = Instant.now();
        for (Probe p : probes) {
            try {
                if (p.gone()) {
                    probes.remove(p);
                    continue;
                }
                PoolStatistics s = p.read();
                p.last = s;
                if (!p.sighted && p.hikariPool != null) {
                    dropSightingsOf(p.hikariPool.get()); // a pool found both ways is watched once, through its data source
                }
                if (s == null) {
                    continue;
                }
                p.limit.update(s.utilisationPercent(), now, alerts);
                if (dev.toolwarden.events.Jfr.connectionPool()) {
                    ConnectionPoolEvent e = new ConnectionPoolEvent();
                    e.pool = s.pool();
                    e.active = s.active();
                    e.idle = s.idle();
                    e.total = s.total();
                    e.max = s.max();
                    e.waiting = s.waiting();
                    e.commit();
                }
            } catch (Throwable t) {
                dev.toolwarden.log.Log.warnOnce("pool-read:" + p.poolName, "cannot read the connection pool "
                        + p.poolName + " (" + t + "); it is not watched until it answers");
            }
        }
    }

    private void dropSightingsOf(Object hikariPool) {
        if (hikariPool == null) {
            return;
        }
        for (Probe p : probes) {
            if (p.sighted && p.hikariPool != null && p.hikariPool.get() == hikariPool) {
                probes.remove(p);
            }
        }
    }

    /** @return the pools' latest figures */
    List<PoolStatistics> statistics() {
        List<PoolStatistics> out = new ArrayList<>();
        for (Probe p : probes) {
            if (p.last != null) {
                out.add(p.last);
            }
        }
        return out;
    }

    /** @return the DB_CONNECTIONS alerts that hold now */
    List<Alert> activeAlerts() {
        List<Alert> out = new ArrayList<>();
        Instant now = Instant.now();
        for (Probe p : probes) {
            if (p.limit != null) {
                out.addAll(p.limit.active(now));
            }
        }
        return out;
    }

    private abstract static class Probe {
        String poolName;
        Limit limit;
        volatile PoolStatistics last;
        /** The HikariCP pool behind it, once known (weakly: a probe never keeps a pool alive). */
        volatile WeakReference<Object> hikariPool;
        /** Whether it was made from a sighting of the pool, not from its data source. */
        boolean sighted;

        Probe(String poolName, Limit limit) {
            this.poolName = poolName;
            this.limit = limit;
        }

        abstract PoolStatistics read() throws ReflectiveOperationException;

        abstract boolean gone();
    }
}
