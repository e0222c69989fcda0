package dev.toolwarden.monitor;

import dev.toolwarden.Alert;
import dev.toolwarden.ResourceUsage;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.config.Keys;
import dev.toolwarden.events.SystemResourcesEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Samples the machine's and the JVM's resources every interval ({@code toolwarden.monitor.interval},
 * 1 s), checks them against their soft and hard limits, raises an alert for every crossing and
 * clearing, records a {@code toolwarden.SystemResources} event per sample, and says whether calls
 * must be shed.
 *
 * <p>{@code MEMORY} is the higher of system memory in use and Java heap held after collection, in %
 * ({@code toolwarden.limits.memory.soft}/{@code .hard}, 80/90); {@code CPU} is the whole machine's
 * CPU load in % ({@code toolwarden.limits.cpu.soft}/{@code .hard}, 70/85). A memory level is crossed
 * at the first sample over it; a CPU level only after {@link #CPU_HOLD_SAMPLES} samples in a row
 * over it, so that the CPU spikes of every JVM start-up and garbage collection neither alert nor
 * shed: a saturated machine does. Calls are shed while a hard memory or CPU level holds.
 *
 * <p>Usable without the agent; the agent starts one for its runtime.
 */
public final class ResourceMonitor {

    /** Consecutive samples over a CPU level before it counts as crossed (alert, and shedding at the hard level). */
    public static final int CPU_HOLD_SAMPLES = 3;

    /** Replaced once at most: the JDK's figures for the start-up, then OSHI's. */
    private volatile ResourceSampler sampler;
    private final Consumer<Alert> alerts;
    private final Duration interval;
    private final Limit memory;
    private final Limit cpu;
    private volatile ResourceUsage latest;
    private volatile boolean shedding;
    private volatile ScheduledFuture<?> task;
    private final java.util.concurrent.atomic.LongAdder sampleNanos = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder samples = new java.util.concurrent.atomic.LongAdder();

    /**
     * @param configuration the limits and the interval
     * @param sampler the source of samples
     * @param alerts receives every alert (the agent turns them into events, log lines and listener calls)
     */
    public ResourceMonitor(Configuration configuration, ResourceSampler sampler, Consumer<Alert> alerts) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.interval = configuration.get(Keys.MONITOR_INTERVAL);
        this.memory = new Limit("MEMORY", null, configuration.get(Keys.MEMORY_SOFT), configuration.get(Keys.MEMORY_HARD));
        this.cpu = new Limit("CPU", null, configuration.get(Keys.CPU_SOFT), configuration.get(Keys.CPU_HARD),
                CPU_HOLD_SAMPLES);
    }

    /**
     * Samples every interval on {@code scheduler}, starting now.
     *
     * @param scheduler a scheduler thread (the agent's housekeeping thread)
     * @return this
     */
    public synchronized ResourceMonitor start(ScheduledExecutorService scheduler) {
        if (task == null) {
            long period = Math.max(1, dev.toolwarden.Durations.limitNanos(interval) / 1_000_000);
            // Not this::sampleQuietly: the monitor starts while the application may still be starting,
            // where a method reference links a call site of its own.
            task = scheduler.scheduleAtFixedRate(new Runnable() {
                @Override
                public void run() {
                    sampleQuietly();
                }
            }, 0, period, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Stops sampling. */
    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (Throwable t) {
            dev.toolwarden.log.Log.warnOnce("monitor", "a resource sample failed (" + t + "); sampling goes on");
        }
    }

    /**
     * Takes one sample now and checks the limits (the scheduled task calls this every interval).
     *
     * @return the sample
     */
    public ResourceUsage sample() {
        long start = System.nanoTime();
        ResourceUsage u = sampler.sample();
        check(u);
        sampleNanos.add(System.nanoTime() - start);
        samples.increment();
        return u;
    }

    /**
     * Checks one sample against the limits, as if it had been sampled (tests feed samples here).
     *
     * @param u the sample
     */
    public synchronized void check(ResourceUsage u) {
        latest = u;
        Instant now = u.time();
        memory.update(u.memoryPercent(), now, alerts);
        cpu.update(u.systemCpu(), now, alerts);
        shedding = memory.hard() || cpu.hard();
        if (dev.toolwarden.events.Jfr.systemResources()) {
            SystemResourcesEvent e = new SystemResourcesEvent();
            e.systemCpu = Double.isNaN(u.systemCpu()) ? Double.NaN : u.systemCpu() / 100;
            e.processCpu = Double.isNaN(u.processCpu()) ? Double.NaN : u.processCpu() / 100;
            e.memoryUsed = u.systemMemoryUsed();
            e.memoryTotal = u.systemMemoryTotal();
            e.heapUsed = u.heapUsed();
            e.heapMax = u.heapMax();
            e.commit();
        }
    }

    /** @return whether calls are shed now: a hard memory limit holds, or a hard CPU limit has held a while */
    public boolean shedding() {
        return shedding;
    }

    /** @return which resource calls are shed for: {@code MEMORY} or {@code CPU}, or {@code null} */
    public String sheddingResource() {
        return !shedding ? null : memory.hard() ? "MEMORY" : "CPU";
    }

    /** @return a sentence with the figures that shed calls, for the exception's message */
    public String sheddingDetail() {
        if (memory.hard()) {
            return "memory at " + percent(memory.value()) + ", over its hard limit of " + percent(memory.hardLevel());
        }
        return "CPU at " + percent(cpu.value()) + ", over its hard limit of " + percent(cpu.hardLevel());
    }

    /**
     * @param value a percentage
     * @return it as people read it: {@code 90%}, {@code 92.5%}, {@code 91.27%} to two decimals at most
     */
    public static String percent(double value) {
        if (Double.isNaN(value)) {
            return "unknown";
        }
        java.math.BigDecimal d = java.math.BigDecimal.valueOf(value).setScale(2, java.math.RoundingMode.HALF_UP)
                .stripTrailingZeros();
        return (d.scale() < 0 ? d.setScale(0) : d).toPlainString() + "%";
    }

    /** @return the latest sample, or {@code null} before the first one */
    public ResourceUsage latest() {
        return latest;
    }

    /** @return the memory and CPU alerts that hold now */
    public List<Alert> activeAlerts() {
        Instant now = Instant.now();
        List<Alert> out = new ArrayList<>(memory.active(now));
        out.addAll(cpu.active(now));
        return out;
    }

    /**
     * Takes later samples from another source: OSHI's, once the start-up is over (the JDK's figures
     * are the same quantities, read without a native library).
     *
     * @param next the new source
     */
    public void useSampler(ResourceSampler next) {
        this.sampler = Objects.requireNonNull(next, "sampler");
    }

    /** @return where the figures come from */
    public String source() {
        return sampler.name();
    }

    /** @return the mean time of one sampling round (sample and checks) in nanoseconds, or 0 */
    public long meanSampleNanos() {
        long n = samples.sum();
        return n == 0 ? 0 : sampleNanos.sum() / n;
    }
}
