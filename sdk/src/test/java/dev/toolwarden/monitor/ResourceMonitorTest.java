package dev.toolwarden.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.Alert;
import dev.toolwarden.ResourceUsage;
import dev.toolwarden.config.Configuration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ResourceMonitorTest {

    private static final long GB = 1L << 30;
    private static final long TOTAL = 16 * GB;
    private static final long HEAP_MAX = 4 * GB;

    /** Returns the usage it was given last, and counts the samples taken. */
    static final class FakeSampler implements ResourceSampler {
        volatile ResourceUsage next = usage(10, 10, 10);
        final AtomicInteger samples = new AtomicInteger();

        @Override
        public ResourceUsage sample() {
            samples.incrementAndGet();
            return next;
        }

        @Override
        public String name() {
            return "fake";
        }
    }

    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final FakeSampler sampler = new FakeSampler();

    private static Configuration config(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        Configuration c = Configuration.load(null, m, Map.of());
        assertTrue(c.problems().isEmpty(), () -> "test configuration has problems: " + c.problems());
        return c;
    }

    /** Memory 80/90, CPU 70/85 (the defaults, written out so that the tests state their levels). */
    private ResourceMonitor monitor() {
        return new ResourceMonitor(config(
                "toolwarden.limits.memory.soft", "80", "toolwarden.limits.memory.hard", "90",
                "toolwarden.limits.cpu.soft", "70", "toolwarden.limits.cpu.hard", "85"), sampler, alerts::add);
    }

    /** A sample with system memory and heap at the given percentages of their totals. */
    static ResourceUsage usage(double cpu, double systemMemoryPercent, double heapPercent) {
        return new ResourceUsage(Instant.now(), cpu, 1.0, (long) (TOTAL * systemMemoryPercent / 100), TOTAL,
                (long) (HEAP_MAX * heapPercent / 100), HEAP_MAX, "fake");
    }

    private static String describe(List<Alert> list) {
        return list.stream().map(a -> a.resource() + ":" + a.level() + (a.cleared() ? "-cleared" : "") + "@"
                + a.value()).collect(Collectors.joining(", ", "[", "]"));
    }

    private static Alert only(List<Alert> list, String resource, String level, boolean cleared) {
        List<Alert> matching = list.stream()
                .filter(a -> a.resource().equals(resource) && a.level().equals(level) && a.cleared() == cleared)
                .toList();
        assertEquals(1, matching.size(), () -> "one " + resource + " " + level + (cleared ? " cleared" : "")
                + " alert expected in " + describe(list));
        return matching.get(0);
    }

    @Test
    void memoryPercentIsTheHigherOfSystemMemoryAndHeap() {
        assertEquals(60, usage(0, 60, 20).memoryPercent(), 1e-6);
        assertEquals(75, usage(0, 20, 75).memoryPercent(), 1e-6);
        ResourceUsage systemUnknown = new ResourceUsage(Instant.now(), 0, 0, -1, -1, HEAP_MAX / 2, HEAP_MAX, "fake");
        assertEquals(50, systemUnknown.memoryPercent(), 1e-6);
        ResourceUsage heapUnknown = new ResourceUsage(Instant.now(), 0, 0, TOTAL / 4, TOTAL, -1, -1, "fake");
        assertEquals(25, heapUnknown.memoryPercent(), 1e-6);
        ResourceUsage bothUnknown = new ResourceUsage(Instant.now(), 0, 0, -1, TOTAL, -1, HEAP_MAX, "fake");
        assertTrue(Double.isNaN(bothUnknown.memoryPercent()));
    }

    @Test
    void heapAloneOverTheHardLimitSheds() {
        ResourceMonitor m = monitor();
        m.check(usage(5, 30, 95));
        assertTrue(m.shedding(), "heap at 95 % with system memory at 30 %: MEMORY is the higher, 95 %");
        assertEquals("MEMORY", m.sheddingResource());
        Alert hard = only(alerts, "MEMORY", "HARD", false);
        assertEquals(95, hard.value(), 1e-6);
        assertEquals(90, hard.threshold(), 0.0);
    }

    @Test
    void systemMemoryAloneOverTheSoftLimitAlerts() {
        ResourceMonitor m = monitor();
        m.check(usage(5, 82, 10));
        Alert soft = only(alerts, "MEMORY", "SOFT", false);
        assertEquals(82, soft.value(), 1e-6);
        assertEquals(80, soft.threshold(), 0.0);
        assertNull(soft.subject());
        assertEquals(1, alerts.size(), () -> describe(alerts));
        assertFalse(m.shedding(), "the soft level does not shed");
        assertNull(m.sheddingResource());
    }

    @Test
    void memoryOverTheHardLimitShedsAtOnceAndStopsBelowTheHysteresis() {
        ResourceMonitor m = monitor();
        m.check(usage(5, 50, 10));
        assertFalse(m.shedding());
        assertTrue(alerts.isEmpty(), () -> describe(alerts));

        m.check(usage(5, 95, 10));
        assertTrue(m.shedding(), "one memory sample over the hard limit sheds");
        assertEquals("MEMORY", m.sheddingResource());
        String detail = m.sheddingDetail();
        assertTrue(detail.contains("95%") && detail.contains("90%"), detail);
        assertTrue(detail.toLowerCase(java.util.Locale.ROOT).contains("memory"), detail);
        only(alerts, "MEMORY", "SOFT", false);
        only(alerts, "MEMORY", "HARD", false);

        // 90 * (1 - 5 %) = 85.5: 86 still sheds, 85 stops.
        m.check(usage(5, 86, 10));
        assertTrue(m.shedding(), "still within the hysteresis");
        m.check(usage(5, 85, 10));
        assertFalse(m.shedding(), "below hard * (1 - HYSTERESIS)");
        assertNull(m.sheddingResource());
        Alert cleared = only(alerts, "MEMORY", "HARD", true);
        assertEquals(85, cleared.value(), 1e-6);
        assertTrue(alerts.stream().noneMatch(a -> a.level().equals("SOFT") && a.cleared()),
                () -> "soft still holds at 85 %: " + describe(alerts));
    }

    @Test
    void cpuOverTheHardLevelShedsOnlyAfterTheHoldSamples() {
        ResourceMonitor m = monitor();
        for (int i = 1; i < ResourceMonitor.CPU_HOLD_SAMPLES; i++) {
            m.check(usage(99, 10, 10));
            assertFalse(m.shedding(), "CPU sample " + i + " of " + ResourceMonitor.CPU_HOLD_SAMPLES + " must not shed");
            assertTrue(alerts.isEmpty(), () -> "no CPU alert before the hold: " + describe(alerts));
        }
        m.check(usage(99, 10, 10));
        assertTrue(m.shedding(), "CPU_HOLD_SAMPLES in a row over the hard level shed");
        assertEquals("CPU", m.sheddingResource());
        String detail = m.sheddingDetail();
        assertTrue(detail.contains("CPU") && detail.contains("99%") && detail.contains("85%"), detail);
        Alert soft = only(alerts, "CPU", "SOFT", false);
        assertEquals(70, soft.threshold(), 0.0);
        Alert hard = only(alerts, "CPU", "HARD", false);
        assertEquals(99, hard.value(), 0.0);
        assertEquals(85, hard.threshold(), 0.0);
        assertEquals(2, alerts.size(), () -> describe(alerts));

        // 85 * 0.95 = 80.75
        m.check(usage(81, 10, 10));
        assertTrue(m.shedding());
        m.check(usage(80, 10, 10));
        assertFalse(m.shedding());
        only(alerts, "CPU", "HARD", true);
    }

    @Test
    void interruptedCpuSpikesNeverShed() {
        ResourceMonitor m = monitor();
        double[] cpu = {99, 99, 10, 99, 99, 60, 99, 99, 0};
        for (double c : cpu) {
            m.check(usage(c, 10, 10));
            assertFalse(m.shedding(), "runs shorter than CPU_HOLD_SAMPLES must not shed");
        }
        assertTrue(alerts.isEmpty(), () -> describe(alerts));
    }

    @Test
    void memoryWinsWhenBothHardLimitsHold() {
        ResourceMonitor m = monitor();
        for (int i = 0; i < ResourceMonitor.CPU_HOLD_SAMPLES; i++) {
            m.check(usage(99, 95, 10));
        }
        assertTrue(m.shedding());
        assertEquals("MEMORY", m.sheddingResource());
        assertTrue(m.sheddingDetail().contains("memory"), m.sheddingDetail());
        m.check(usage(99, 10, 10));
        assertTrue(m.shedding(), "CPU still holds");
        assertEquals("CPU", m.sheddingResource());
    }

    @Test
    void alertsReachTheConsumerWithinTheSameSample() {
        List<String> seenDuringCheck = new ArrayList<>();
        FakeSampler s = new FakeSampler();
        ResourceMonitor m = new ResourceMonitor(config(), s, a -> seenDuringCheck.add(a.resource() + ":" + a.level()));
        s.next = usage(5, 95, 10);
        ResourceUsage returned = m.sample();
        // sample() has returned: the alerts must already be there, no later delivery.
        assertEquals(List.of("MEMORY:SOFT", "MEMORY:HARD"), seenDuringCheck);
        assertSame(s.next, returned);
        assertEquals(1, s.samples.get());
    }

    @Test
    void activeAlertsListWhatHoldsNow() {
        ResourceMonitor m = monitor();
        assertTrue(m.activeAlerts().isEmpty());
        m.check(usage(5, 83, 10));
        List<Alert> active = m.activeAlerts();
        assertEquals(1, active.size(), () -> describe(active));
        assertEquals("MEMORY", active.get(0).resource());
        assertEquals("SOFT", active.get(0).level());
        assertFalse(active.get(0).cleared());
        assertEquals(83, active.get(0).value(), 1e-6);

        for (int i = 0; i < ResourceMonitor.CPU_HOLD_SAMPLES; i++) {
            m.check(usage(90, 92, 10));
        }
        List<String> all = m.activeAlerts().stream().map(a -> a.resource() + ":" + a.level()).toList();
        assertEquals(List.of("MEMORY:SOFT", "MEMORY:HARD", "CPU:SOFT", "CPU:HARD"), all);

        m.check(usage(0, 0, 0));
        assertTrue(m.activeAlerts().isEmpty(), () -> describe(m.activeAlerts()));
    }

    @Test
    void latestIsTheLastSampleChecked() {
        ResourceMonitor m = monitor();
        assertNull(m.latest(), "no sample yet");
        ResourceUsage u1 = usage(1, 2, 3);
        m.check(u1);
        assertSame(u1, m.latest());
        sampler.next = usage(4, 5, 6);
        ResourceUsage u2 = m.sample();
        assertSame(sampler.next, u2);
        assertSame(u2, m.latest());
        assertEquals("fake", m.source());
    }

    @Test
    void laterSamplesComeFromTheSamplerItSwitchesTo() {
        ResourceMonitor m = monitor();
        m.sample();
        ResourceUsage later = usage(95, 10, 10);
        m.useSampler(new ResourceSampler() {
            @Override
            public ResourceUsage sample() {
                return later;
            }

            @Override
            public String name() {
                return "oshi";
            }
        });
        assertEquals("oshi", m.source());
        assertSame(later, m.sample());
        assertEquals(1, sampler.samples.get(), "the first sampler is not asked again");
    }

    @Test
    void unknownFiguresRaiseNothing() {
        ResourceMonitor m = monitor();
        ResourceUsage unknown = new ResourceUsage(Instant.now(), Double.NaN, Double.NaN, -1, -1, -1, -1, "fake");
        for (int i = 0; i < 5; i++) {
            m.check(unknown);
        }
        ResourceUsage zeroTotals = new ResourceUsage(Instant.now(), Double.NaN, Double.NaN, 5, 0, 5, 0, "fake");
        m.check(zeroTotals);
        assertTrue(alerts.isEmpty(), () -> describe(alerts));
        assertFalse(m.shedding());
        assertTrue(m.activeAlerts().isEmpty());
        assertSame(zeroTotals, m.latest(), "an unknown sample is still the latest");
    }

    @Test
    void unknownFiguresDoNotClearWhatHolds() {
        ResourceMonitor m = monitor();
        m.check(usage(5, 95, 10));
        for (int i = 0; i < ResourceMonitor.CPU_HOLD_SAMPLES; i++) {
            m.check(usage(99, 95, 10));
        }
        int before = alerts.size();
        m.check(new ResourceUsage(Instant.now(), Double.NaN, Double.NaN, -1, -1, -1, -1, "fake"));
        assertEquals(before, alerts.size(), () -> "an unknown sample clears nothing: " + describe(alerts));
        assertTrue(m.shedding());
        assertEquals("MEMORY", m.sheddingResource());
        assertEquals(4, m.activeAlerts().size(), () -> describe(m.activeAlerts()));
    }

    @Test
    void startSamplesRepeatedlyAndStopStops() throws Exception {
        ResourceMonitor m = new ResourceMonitor(config("toolwarden.monitor.interval", "50ms"), sampler, alerts::add);
        assertEquals(0, m.meanSampleNanos(), "no sample yet");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            assertSame(m, m.start(scheduler));
            assertSame(m, m.start(scheduler), "starting twice keeps one task");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (sampler.samples.get() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(sampler.samples.get() >= 4, "sampled " + sampler.samples.get() + " times in 5 s at 50 ms");
            assertTrue(m.latest() != null);
            assertTrue(m.meanSampleNanos() > 0, "mean sample time after sampling: " + m.meanSampleNanos());

            m.stop();
            // Let a round already running finish.
            Thread.sleep(60);
            int stopped = sampler.samples.get();
            Thread.sleep(300);
            assertEquals(stopped, sampler.samples.get(), "no sample after stop()");

            // It can start again.
            m.start(scheduler);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (sampler.samples.get() < stopped + 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(sampler.samples.get() >= stopped + 2, "sampling again after start()");
            m.stop();
        } finally {
            scheduler.shutdownNow();
            assertTrue(scheduler.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void scheduledSamplingRaisesAlerts() throws Exception {
        ResourceMonitor m = new ResourceMonitor(config("toolwarden.monitor.interval", "50ms"), sampler, alerts::add);
        sampler.next = usage(5, 95, 10);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            m.start(scheduler);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!m.shedding() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(m.shedding());
            m.stop();
        } finally {
            scheduler.shutdownNow();
        }
        only(alerts, "MEMORY", "HARD", false);
    }

    @Test
    void aFailingSamplerDoesNotStopTheSchedule() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ResourceSampler failing = new ResourceSampler() {
            @Override
            public ResourceUsage sample() {
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("boom");
                }
                return usage(1, 1, 1);
            }

            @Override
            public String name() {
                return "failing";
            }
        };
        java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
        dev.toolwarden.log.Log.setOutput(new java.io.PrintStream(logged, true, java.nio.charset.StandardCharsets.UTF_8));
        ResourceMonitor m = new ResourceMonitor(config("toolwarden.monitor.interval", "50ms"), failing, alerts::add);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            m.start(scheduler);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (calls.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(calls.get() >= 3, "sampling goes on after a failure: " + calls.get() + " calls");
            m.stop();
        } finally {
            scheduler.shutdownNow();
            dev.toolwarden.log.Log.setOutput(System.err);
        }
    }

    @Test
    void sheddingDetailStatesAFractionalLimitExactly() {
        ResourceMonitor m = new ResourceMonitor(config("toolwarden.limits.memory.soft", "80",
                "toolwarden.limits.memory.hard", "92.5"), sampler, alerts::add);
        m.check(usage(5, 92.6, 10));
        assertTrue(m.shedding());
        String detail = m.sheddingDetail();
        assertTrue(detail.contains("92.5"), "the limit as configured, not rounded: " + detail);
    }
}
