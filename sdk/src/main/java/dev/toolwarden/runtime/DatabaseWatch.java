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

        Probe(String poolName, Limit limit) {
            this.poolName = poolName;
            this.limit = limit;
        }

        abstract PoolStatistics read() throws ReflectiveOperationException;

        abstract boolean gone();
    }
}
