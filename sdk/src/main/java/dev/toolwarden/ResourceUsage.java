package dev.toolwarden;

import java.time.Instant;

/**
 * One sample of the resources the monitor watches. A figure the machine would not give (a
 * container without access to {@code /proc}, say) is {@link Double#NaN} or {@code -1}: unknown,
 * never 0.
 *
 * @param time when it was sampled
 * @param systemCpu the whole machine's CPU load, 0 to 100 %
 * @param processCpu this JVM's CPU load, 0 to 100 % of the machine
 * @param systemMemoryUsed bytes of system memory in use
 * @param systemMemoryTotal bytes of system memory
 * @param heapUsed bytes of Java heap held after the last garbage collection (what the heap
 *     cannot give back; garbage not collected yet does not count)
 * @param heapMax the Java heap's maximum size in bytes
 * @param source where the system figures came from: {@code oshi} or {@code jdk}
 */
public record ResourceUsage(Instant time, double systemCpu, double processCpu, long systemMemoryUsed,
        long systemMemoryTotal, long heapUsed, long heapMax, String source) {

    /** @return system memory in use, 0 to 100 %, or NaN when unknown */
    public double systemMemoryPercent() {
        return systemMemoryUsed < 0 || systemMemoryTotal <= 0 ? Double.NaN : 100.0 * systemMemoryUsed / systemMemoryTotal;
    }

    /** @return heap held after collection, 0 to 100 % of the maximum, or NaN when unknown */
    public double heapPercent() {
        return heapUsed < 0 || heapMax <= 0 ? Double.NaN : 100.0 * heapUsed / heapMax;
    }

    /**
     * @return what the {@code MEMORY} limits are checked against: the higher of system memory and
     *     heap in use, in %, or NaN when both are unknown
     */
    public double memoryPercent() {
        double system = systemMemoryPercent();
        double heap = heapPercent();
        if (Double.isNaN(system)) {
            return heap;
        }
        return Double.isNaN(heap) ? system : Math.max(system, heap);
    }
}
