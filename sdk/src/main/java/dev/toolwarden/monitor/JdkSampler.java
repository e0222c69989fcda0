package dev.toolwarden.monitor;

import dev.toolwarden.ResourceUsage;
import java.lang.management.ManagementFactory;
import java.time.Instant;

/**
 * System figures from the JDK's {@code com.sun.management.OperatingSystemMXBean} (container aware,
 * no native library): the fallback where OSHI cannot run.
 */
final class JdkSampler implements ResourceSampler {

    private final com.sun.management.OperatingSystemMXBean os;
    private final HeapSampler heap = new HeapSampler();

    JdkSampler() {
        java.lang.management.OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
        this.os = bean instanceof com.sun.management.OperatingSystemMXBean
                ? (com.sun.management.OperatingSystemMXBean) bean : null;
    }

    /** @return {MemTotal, MemAvailable} in bytes from /proc/meminfo, or {@code null} where there is none */
    static long[] procMeminfo() {
        java.nio.file.Path p = java.nio.file.Paths.get("/proc/meminfo");
        if (!java.nio.file.Files.isReadable(p)) {
            return null;
        }
        long total = -1;
        long available = -1;
        try {
            for (String line : java.nio.file.Files.readAllLines(p)) {
                if (line.startsWith("MemTotal:")) {
                    total = kilobytes(line) * 1024;
                } else if (line.startsWith("MemAvailable:")) {
                    available = kilobytes(line) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
        return total > 0 && available >= 0 ? new long[] {total, available} : null;
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("\\D", ""));
    }

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public ResourceUsage sample() {
        double system = Double.NaN;
        double process = Double.NaN;
        long total = -1;
        long used = -1;
        if (os != null) {
            try {
                double s = os.getCpuLoad();
                system = s < 0 ? Double.NaN : 100 * s;
                double p = os.getProcessCpuLoad();
                process = p < 0 ? Double.NaN : 100 * p;
                total = os.getTotalMemorySize();
                long free = os.getFreeMemorySize();
                used = total > 0 && free >= 0 ? total - free : -1;
                long[] meminfo = procMeminfo();
                if (meminfo != null) {
                    // The bean's free memory is MemFree, which leaves the page cache out: a Linux host
                    // that has run a while would look 90 % full. Available memory is what counts.
                    total = meminfo[0];
                    used = meminfo[0] - meminfo[1];
                }
            } catch (RuntimeException e) {
                // unknown figures stay unknown
            }
        }
        long[] h = heap.sample();
        return new ResourceUsage(Instant.now(), system, process, used, total, h[0], h[1], name());
    }
}
