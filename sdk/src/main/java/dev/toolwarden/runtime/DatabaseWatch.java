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

    /**
     * HikariCP's API as the application's class loader has it: a config's name and size, a pool's
     * figures (HikariCP's pool is its own {@code HikariPoolMXBean}). Read through reflection: these
     * classes are the application's, not the agent's.
     */
    private static final class Hikari {
        final Class<?> configType;
        final Method name;
        final Method max;
        final Method active;
        final Method idle;
        final Method total;
        final Method waiting;

        Hikari(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> beanType = Class.forName("com.zaxxer.hikari.HikariPoolMXBean", false, loader);
            configType = Class.forName("com.zaxxer.hikari.HikariConfig", false, loader);
            name = configType.getMethod("getPoolName");
            max = configType.getMethod("getMaximumPoolSize");
            active = beanType.getMethod("getActiveConnections");
            idle = beanType.getMethod("getIdleConnections");
            total = beanType.getMethod("getTotalConnections");
            waiting = beanType.getMethod("getThreadsAwaitingConnection");
        }

        /** @return the pool's figures, named as its config (or data source, which is one) says */
        PoolStatistics read(String poolName, Object pool, Object config) throws ReflectiveOperationException {
            return new PoolStatistics(poolName, (Integer) active.invoke(pool), (Integer) idle.invoke(pool),
                    (Integer) total.invoke(pool), (Integer) waiting.invoke(pool), (Integer) max.invoke(config));
        }
    }

    /** Names a probe's pool, and its limit with it: HikariCP names a pool when it starts. */
    private void name(Probe p, String poolName) {
        if (p.limit == null || !poolName.equals(p.poolName)) {
            p.poolName = poolName;
            p.limit = new Limit("DB_CONNECTIONS", poolName, soft, hard);
        }
    }

    /** An application's {@code HikariDataSource} (a {@code HikariConfig} itself), found as it is built. */
    void watchApplicationPool(Object dataSource) {
        try {
            Hikari hikari = new Hikari(dataSource.getClass().getClassLoader());
            Method bean = dataSource.getClass().getMethod("getHikariPoolMXBean");
            Method closed = dataSource.getClass().getMethod("isClosed");
            WeakReference<Object> ref = new WeakReference<>(dataSource);
            probes.add(new Probe(null, null) {
                @Override
                PoolStatistics read() throws ReflectiveOperationException {
                    Object ds = ref.get();
                    if (ds == null || (Boolean) closed.invoke(ds)) {
                        return null;
                    }
                    name(this, String.valueOf(hikari.name.invoke(ds)));
                    Object b = bean.invoke(ds);
                    if (b == null) {
                        return null; // not started yet: it starts with its first connection
                    }
                    hikariPool = new WeakReference<>(b);
                    return hikari.read(poolName, b, ds);
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
     * {@code HikariConfig} ({@code PoolBase.config}), its figures from itself.
     */
    void watchApplicationHikariPool(Object hikariPool) {
        if (covered(hikariPool)) {
            return;
        }
        try {
            Hikari hikari = new Hikari(hikariPool.getClass().getClassLoader());
            java.lang.reflect.Field config = null;
            for (Class<?> c = hikariPool.getClass(); c != null && config == null; c = c.getSuperclass()) {
                for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                    if (f.getType() == hikari.configType) {
                        config = f;
                    }
                }
            }
            if (config == null) {
                throw new NoSuchFieldException("a HikariConfig field in " + hikariPool.getClass().getName());
            }
            config.setAccessible(true);
            Object cfg = config.get(hikariPool);
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
                    name(this, String.valueOf(hikari.name.invoke(cfg)));
                    return hikari.read(poolName, p, cfg);
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
                    clear(p, now);
                    continue;
                }
                PoolStatistics s = p.read();
                p.last = s;
                if (!p.sighted && p.hikariPool != null) {
                    dropSightingsOf(p.hikariPool.get()); // a pool found both ways is watched once, through its data source
                }
                if (s == null) {
                    clear(p, now); // closed (or not started): nothing is in use, and an alert it had is over
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

    /** Clears the alerts a pool's probe holds: each raised one gets its cleared one, never left raised for ever. */
    private void clear(Probe p, Instant now) {
        if (p.limit != null) {
            p.limit.update(0, now, alerts);
        }
    }

    private void dropSightingsOf(Object hikariPool) {
        if (hikariPool == null) {
            return;
        }
        for (Probe p : probes) {
            if (p.sighted && p.hikariPool != null && p.hikariPool.get() == hikariPool) {
                probes.remove(p);
                clear(p, Instant.now());
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
