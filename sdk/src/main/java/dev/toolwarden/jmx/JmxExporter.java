package dev.toolwarden.jmx;

import dev.toolwarden.ToolStatistics;
import dev.toolwarden.log.Log;
import dev.toolwarden.runtime.ToolwardenRuntime;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Publishes the runtime's statistics as MXBeans in the platform MBean server, under the
 * {@code dev.toolwarden} domain. It runs on the housekeeping thread, never on the application's:
 * the first registration waits a moment after start-up (some application servers must set up
 * JMX and logging themselves before anything touches the platform MBean server), and every woven
 * tool is registered within a second of being woven, before its first call.
 */
public final class JmxExporter implements Runnable {

    /** The JMX domain of every Toolwarden MBean. */
    public static final String DOMAIN = "dev.toolwarden";

    private final ToolwardenRuntime runtime;
    private final Map<String, ObjectName> registered = new ConcurrentHashMap<>();
    private volatile boolean failed;

    private JmxExporter(ToolwardenRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * Starts publishing.
     *
     * @param runtime the runtime whose statistics are published
     * @param scheduler the housekeeping thread
     * @param delay how long after start-up to register the first beans
     */
    public static void start(ToolwardenRuntime runtime, ScheduledExecutorService scheduler, Duration delay) {
        // Not exporter::publish: this runs while the JVM starts, where a method reference links a call site.
        scheduler.scheduleWithFixedDelay(new JmxExporter(runtime), dev.toolwarden.Durations.limitNanos(delay) / 1_000_000,
                1000, TimeUnit.MILLISECONDS);
    }

    /**
     * @param toolName a tool name
     * @return the name its MXBean is registered under
     */
    public static ObjectName toolName(String toolName) {
        try {
            return new ObjectName(DOMAIN + ":type=Tool,name=" + ObjectName.quote(toolName));
        } catch (JMException e) {
            throw new IllegalArgumentException("cannot name a tool MBean for " + toolName, e);
        }
    }

    /** Registers the beans of tools and caches that have none yet; on the housekeeping thread. */
    @Override
    public void run() {
        publish();
    }

    private void publish() {
        if (failed) {
            return;
        }
        MBeanServer server;
        try {
            server = ManagementFactory.getPlatformMBeanServer();
        } catch (RuntimeException | LinkageError e) {
            failed = true;
            Log.warn("cannot reach the platform MBean server (" + e + "); JMX shows no Toolwarden statistics");
            return;
        }
        if (!registered.containsKey("")) {
            register(server, "", () -> new ObjectName(DOMAIN + ":type=Runtime"), () -> new Status(runtime));
        }
        // Names only: no statistics are computed here, however many tools there are.
        for (String tool : runtime.toolNames()) {
            if (!registered.containsKey(tool)) {
                register(server, tool, () -> toolName(tool), () -> new Tool(runtime, tool));
            }
        }
        for (dev.toolwarden.CacheStatistics s : runtime.cacheStatistics()) {
            String key = "cache\u0000" + s.category();
            if (!registered.containsKey(key)) {
                register(server, key, () -> new ObjectName(DOMAIN + ":type=Cache,name=" + ObjectName.quote(s.category())),
                        () -> new Cache(runtime, s.category()));
            }
        }
    }

    /** One cache category's MXBean. */
    private static final class Cache implements CacheMXBean {
        private final ToolwardenRuntime runtime;
        private final String category;

        Cache(ToolwardenRuntime runtime, String category) {
            this.runtime = runtime;
            this.category = category;
        }

        private Optional<dev.toolwarden.CacheStatistics> now() {
            return runtime.cacheStatistics().stream().filter(s -> s.category().equals(category)).findFirst();
        }

        @Override
        public String getCategory() {
            return category;
        }

        @Override
        public long getSize() {
            return now().map(dev.toolwarden.CacheStatistics::size).orElse(0L);
        }

        @Override
        public long getHits() {
            return now().map(dev.toolwarden.CacheStatistics::hits).orElse(0L);
        }

        @Override
        public long getMisses() {
            return now().map(dev.toolwarden.CacheStatistics::misses).orElse(0L);
        }

        @Override
        public double getHitRate() {
            return now().map(dev.toolwarden.CacheStatistics::hitRate).orElse(0.0);
        }

        @Override
        public long getEvictions() {
            return now().map(dev.toolwarden.CacheStatistics::evictions).orElse(0L);
        }

        @Override
        public long getL2Hits() {
            return now().map(dev.toolwarden.CacheStatistics::l2Hits).orElse(0L);
        }

        @Override
        public long getL2Misses() {
            return now().map(dev.toolwarden.CacheStatistics::l2Misses).orElse(0L);
        }

        @Override
        public long getL2Unavailable() {
            return now().map(dev.toolwarden.CacheStatistics::l2Unavailable).orElse(0L);
        }

        @Override
        public long getL2DecodeFailures() {
            return now().map(dev.toolwarden.CacheStatistics::l2DecodeFailures).orElse(0L);
        }

        @Override
        public long getLoads() {
            return now().map(dev.toolwarden.CacheStatistics::loads).orElse(0L);
        }

        @Override
        public double getMeanLoadMillis() {
            return now().map(s -> s.meanLoadTime().toNanos() / 1e6).orElse(0.0);
        }

        @Override
        public void invalidateAll() {
            runtime.invalidateCache(category);
        }
    }

    private interface Naming {
        ObjectName name() throws JMException;
    }

    /** Registers one bean; a failure is logged once for that bean and does not stop the others. */
    private void register(MBeanServer server, String key, Naming naming, java.util.function.Supplier<Object> bean) {
        ObjectName name = null;
        try {
            name = naming.name();
            if (!server.isRegistered(name)) {
                server.registerMBean(bean.get(), name);
            }
        } catch (javax.management.InstanceAlreadyExistsException e) {
            // Registered meanwhile by someone else under our name: theirs stays.
        } catch (JMException | RuntimeException e) {
            Log.warnOnce("jmx:" + key, "cannot publish the MBean " + (name == null ? key : name) + " (" + e + ")");
        }
        registered.put(key, name == null ? JmxExporter.unnamed() : name);
    }

    private static ObjectName unnamed() {
        try {
            return new ObjectName(DOMAIN + ":type=Unpublished");
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One tool's MXBean: reads a fresh snapshot for every attribute, so JConsole always sees live values. */
    private static final class Tool implements ToolMXBean {
        private final ToolwardenRuntime runtime;
        private final String name;

        Tool(ToolwardenRuntime runtime, String name) {
            this.runtime = runtime;
            this.name = name;
        }

        private Optional<ToolStatistics> now() {
            return runtime.statistics(name);
        }

        private static double millis(Duration d) {
            return d.toNanos() / 1e6;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getKind() {
            return now().map(s -> s.kind().name()).orElse("");
        }

        @Override
        public long getCalls() {
            return now().map(ToolStatistics::calls).orElse(0L);
        }

        @Override
        public long getErrors() {
            return now().map(ToolStatistics::errors).orElse(0L);
        }

        @Override
        public long getTimeouts() {
            return now().map(ToolStatistics::timeouts).orElse(0L);
        }

        @Override
        public long getRejected() {
            return now().map(ToolStatistics::rejected).orElse(0L);
        }

        @Override
        public long getFallbacks() {
            return now().map(ToolStatistics::fallbacks).orElse(0L);
        }

        @Override
        public double getMeanMillis() {
            return now().map(s -> millis(s.meanTime())).orElse(0.0);
        }

        @Override
        public double getP50Millis() {
            return now().map(s -> millis(s.p50())).orElse(0.0);
        }

        @Override
        public double getP95Millis() {
            return now().map(s -> millis(s.p95())).orElse(0.0);
        }

        @Override
        public double getP99Millis() {
            return now().map(s -> millis(s.p99())).orElse(0.0);
        }

        @Override
        public double getMaxMillis() {
            return now().map(s -> millis(s.maxTime())).orElse(0.0);
        }

        @Override
        public double getMeanCpuMillis() {
            return now().flatMap(ToolStatistics::meanCpuTime).map(Tool::millis).orElse(-1.0);
        }

        @Override
        public long getMeanAllocatedBytes() {
            return now().map(ToolStatistics::meanAllocatedBytes).orElse(-1L);
        }
    }

    private static final class Status implements RuntimeStatusMXBean {
        private final ToolwardenRuntime runtime;

        Status(ToolwardenRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public boolean isAgentAttached() {
            return runtime.agentAttached();
        }

        @Override
        public int getTools() {
            return runtime.statistics().size();
        }

        @Override
        public long getConversations() {
            return runtime.conversationCount();
        }

        @Override
        public int getCallsInFlight() {
            return runtime.callsInFlight();
        }

        @Override
        public int getWatchedThreads() {
            return runtime.watchedThreads();
        }

        @Override
        public int getAbandonedBodies() {
            return runtime.isolation().abandoned();
        }

        @Override
        public int getIsolationWorkersBusy() {
            return runtime.isolation().busy();
        }

        @Override
        public long getShedCalls() {
            return runtime.shedCalls();
        }

        @Override
        public double getMemoryPercent() {
            dev.toolwarden.ResourceUsage u = runtime.resources();
            return u == null ? Double.NaN : u.memoryPercent();
        }

        @Override
        public double getCpuPercent() {
            dev.toolwarden.ResourceUsage u = runtime.resources();
            return u == null ? Double.NaN : u.systemCpu();
        }

        @Override
        public boolean isShedding() {
            dev.toolwarden.monitor.ResourceMonitor m = runtime.monitor();
            return m != null && m.shedding();
        }

        @Override
        public long getInternalErrors() {
            return runtime.internalErrors();
        }
    }
}
