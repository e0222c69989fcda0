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
            } catch (RuntimeException e) {
                // unknown figures stay unknown
            }
        }
        long[] h = heap.sample();
        return new ResourceUsage(Instant.now(), system, process, used, total, h[0], h[1], name());
    }
}
