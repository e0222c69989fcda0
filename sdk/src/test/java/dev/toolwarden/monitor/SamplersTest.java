package dev.toolwarden.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toolwarden.ResourceUsage;
import dev.toolwarden.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real samplers on this machine (Linux: checked against /proc/meminfo). */
class SamplersTest {

    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final ByteArrayOutputStream LOGGED = new ByteArrayOutputStream();

    @BeforeAll
    static void quietLogAndCollect() {
        Log.setOutput(new PrintStream(LOGGED, true, StandardCharsets.UTF_8));
        // The heap figure is what collections left: make sure every heap pool has been collected once
        // (see heapBeforeTheFirstCollectionIsTheCurrentUsage for what is reported before).
        System.gc();
    }

    @AfterAll
    static void restoreLog() {
        Log.setOutput(System.err);
    }

    /** @return MemTotal from /proc/meminfo in bytes */
    private static long memTotal() throws IOException {
        for (String line : Files.readAllLines(MEMINFO, StandardCharsets.US_ASCII)) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.trim().split("\\s+");
                assertEquals("kB", parts[2], line);
                return Long.parseLong(parts[1]) * 1024;
            }
        }
        throw new AssertionError("no MemTotal in " + MEMINFO);
    }

    private static void assumeLinux() {
        assumeTrue(System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")
                && Files.isReadable(MEMINFO), "Linux with /proc/meminfo");
    }

    private static void assertPercent(double value, String what) {
        assertTrue(value >= 0 && value <= 100, what + " not in [0, 100]: " + value);
    }

    /** Two samples some time apart, so that load figures are measured over an interval. */
    private static ResourceUsage secondSample(ResourceSampler sampler) throws InterruptedException {
        sampler.sample();
        Thread.sleep(250);
        return sampler.sample();
    }

    private static void assertHeapAndMemory(ResourceUsage u, long total) {
        assertEquals(Runtime.getRuntime().maxMemory(), u.heapMax(), "heapMax is Runtime.maxMemory()");
        assertTrue(u.heapUsed() > 0 && u.heapUsed() <= u.heapMax(),
                "heap used in (0, max]: " + u.heapUsed() + " of " + u.heapMax());
        assertTrue(u.systemMemoryUsed() > 0 && u.systemMemoryUsed() <= u.systemMemoryTotal(),
                "system memory used in (0, total]: " + u.systemMemoryUsed() + " of " + u.systemMemoryTotal());
        assertPercent(u.systemMemoryPercent(), "system memory %");
        assertPercent(u.heapPercent(), "heap %");
        assertPercent(u.memoryPercent(), "memory %");
        assertTrue(u.memoryPercent() >= u.systemMemoryPercent() && u.memoryPercent() >= u.heapPercent());
        assertTrue(total > 0);
    }

    @Test
    void oshiReportsThisMachine() throws Exception {
        assumeLinux();
        long total = memTotal();
        Instant before = Instant.now();
        ResourceSampler oshi = ResourceSamplers.oshi();
        assertEquals("oshi", oshi.name());
        ResourceUsage u = secondSample(oshi);
        assertEquals("oshi", u.source());
        assertFalse(u.time().isBefore(before));
        assertFalse(u.time().isAfter(Instant.now()));
        assertEquals(total, u.systemMemoryTotal(), "OSHI's total is MemTotal from /proc/meminfo");
        assertHeapAndMemory(u, total);
        assertPercent(u.systemCpu(), "system CPU after a second sample");
        // OSHI's process ticks are in jiffies (10 ms): over 250 ms the share of the machine may overshoot a little.
        assertTrue(u.processCpu() >= 0 && u.processCpu() <= 105, "process CPU: " + u.processCpu());
    }

    @Test
    void jdkReportsThisMachine() throws Exception {
        assumeLinux();
        long total = memTotal();
        ResourceSampler jdk = ResourceSamplers.jdk();
        assertEquals("jdk", jdk.name());
        ResourceUsage u = secondSample(jdk);
        assertEquals("jdk", u.source());
        // The JDK reads sysinfo() (or a container's limit); outside a memory-limited container it is MemTotal.
        assertEquals(total, u.systemMemoryTotal(), total / 100.0,
                "the JDK's total within 1 % of MemTotal " + total + ": " + u.systemMemoryTotal());
        assertHeapAndMemory(u, total);
        assertPercent(u.systemCpu(), "system CPU after a second sample");
        assertPercent(u.processCpu(), "process CPU after a second sample");
    }

    @Test
    void oshiAndJdkAgreeOnMemoryInUse() throws Exception {
        assumeLinux();
        ResourceUsage oshi = ResourceSamplers.oshi().sample();
        ResourceUsage jdk = ResourceSamplers.jdk().sample();
        assertNotNull(oshi);
        // OSHI counts total - MemAvailable, the JDK total - MemFree (page cache counts as in use): the JDK
        // never reports less in use, give or take what changed between the two reads.
        long slack = oshi.systemMemoryTotal() / 50;
        assertTrue(jdk.systemMemoryUsed() + slack >= oshi.systemMemoryUsed(),
                "jdk used " + jdk.systemMemoryUsed() + " vs oshi used " + oshi.systemMemoryUsed());
    }

    @Test
    void createChoosesOshiWhereItRunsQuietly() throws Exception {
        ResourceSampler chosen = ResourceSamplers.create();
        int feature = Runtime.version().feature();
        String expected;
        if (feature < 24) {
            expected = "oshi";
        } else {
            Module module = ResourceSamplers.class.getModule();
            boolean nativeAccess = (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(module);
            expected = nativeAccess ? "oshi" : "jdk";
        }
        assertEquals(expected, chosen.name(), "on JDK " + feature);
        assertEquals(expected, chosen.sample().source());
        assertEquals(expected.equals("oshi"), ResourceSamplers.nativeAccessQuiet());
    }

    @Test
    void samplersNeverThrowOnRepeatedUse() {
        ResourceSampler jdk = ResourceSamplers.jdk();
        ResourceSampler oshi = ResourceSamplers.oshi();
        for (int i = 0; i < 3; i++) {
            assertNotNull(jdk.sample());
            assertNotNull(oshi.sample());
        }
    }

    /** Run in a fresh JVM: prints collections so far, the sampler's heap figure and the heap in use. */
    public static final class HeapBeforeFirstGc {
        public static void main(String[] args) {
            long[] h = new HeapSampler().sample();
            long collections = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionCount).sum();
            long inUse = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.println(collections + " " + h[0] + " " + inUse);
        }
    }

    /** Run in a fresh JVM under ZGC: samples the heap while collections run back to back; prints the lowest figure. */
    public static final class HeapUnderZgc {
        public static void main(String[] args) throws Exception {
            Thread churn = new Thread(() -> {
                java.util.List<byte[]> kept = new java.util.ArrayList<>();
                while (true) {
                    kept.add(new byte[64 * 1024]);
                    if (kept.size() > 400) {
                        kept.clear();
                    }
                }
            });
            churn.setDaemon(true);
            churn.start();
            HeapSampler sampler = new HeapSampler();
            long lowest = Long.MAX_VALUE;
            long end = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < end) {
                lowest = Math.min(lowest, sampler.sample()[0]);
                Thread.sleep(2);
            }
            long collections = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionCount).sum();
            System.out.println(collections + " " + lowest);
        }
    }

    @Test
    void heapUnderZgcIsNeverReadAsEmptyFromItsPauseBeans() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "-XX:+UseZGC", "-Xmx96m", "-cp",
                System.getProperty("java.class.path"), HeapUnderZgc.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String[] lastLine = out.lines().reduce((a, b) -> b).orElse("").trim().split(" ");
        assertTrue(Long.parseLong(lastLine[0]) > 0, "ZGC collected: " + out);
        assertTrue(Long.parseLong(lastLine[1]) > 0, "the heap after a collection is never 0 bytes: " + out);
    }

    @Test
    void heapBeforeTheFirstCollectionIsTheCurrentUsage() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "-XX:+UseSerialGC", "-Xms512m", "-Xmn256m", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), HeapBeforeFirstGc.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String[] lastLine = out.lines().reduce((a, b) -> b).orElse("").trim().split(" ");
        long collections = Long.parseLong(lastLine[0]);
        long heapUsed = Long.parseLong(lastLine[1]);
        long inUse = Long.parseLong(lastLine[2]);
        assumeTrue(collections == 0, "the child JVM collected already: " + out);
        assertTrue(inUse > 0, out);
        assertTrue(heapUsed > 0, "heap figure before the first collection, with " + inUse + " bytes in use: "
                + heapUsed);
    }
}
