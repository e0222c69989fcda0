package dev.toolwarden.accounting;

import dev.toolwarden.log.Log;
import java.lang.management.ManagementFactory;

/**
 * Reads the current thread's CPU time and allocated bytes. A figure the JVM cannot give (a
 * virtual thread's CPU time, a JVM without the measurement) is {@link #UNKNOWN}, never 0. After
 * the first failure of a reading, that reading is switched off instead of failing on every call.
 */
public final class ThreadResources {

    /** What a reading returns when the JVM cannot give the figure. */
    public static final long UNKNOWN = -1;

    private final com.sun.management.ThreadMXBean threads;
    private volatile boolean cpu;
    private volatile boolean allocation;

    /**
     * @param measureCpu whether CPU time is wanted at all
     */
    public ThreadResources(boolean measureCpu) {
        com.sun.management.ThreadMXBean mx = null;
        boolean cpuOk = false;
        boolean allocOk = false;
        try {
            java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
            if (bean instanceof com.sun.management.ThreadMXBean) {
                mx = (com.sun.management.ThreadMXBean) bean;
                if (measureCpu && mx.isCurrentThreadCpuTimeSupported()) {
                    if (!mx.isThreadCpuTimeEnabled()) {
                        mx.setThreadCpuTimeEnabled(true);
                    }
                    cpuOk = true;
                }
                if (mx.isThreadAllocatedMemorySupported()) {
                    if (!mx.isThreadAllocatedMemoryEnabled()) {
                        mx.setThreadAllocatedMemoryEnabled(true);
                    }
                    allocOk = true;
                }
            }
        } catch (RuntimeException | LinkageError e) {
            Log.warn("thread resource measurement is unavailable (" + e + "): CPU time and allocations "
                    + "are recorded as unknown");
        }
        if (mx == null) {
            Log.warn("this JVM has no com.sun.management.ThreadMXBean: CPU time and allocations are recorded as unknown");
        }
        this.threads = mx;
        this.cpu = cpuOk;
        this.allocation = allocOk;
    }

    /** @return whether CPU time is being measured */
    public boolean measuresCpu() {
        return cpu;
    }

    /** @return the current thread's CPU time in nanoseconds, or {@link #UNKNOWN} */
    public long cpuTime() {
        if (!cpu) {
            return UNKNOWN;
        }
        try {
            long v = threads.getCurrentThreadCpuTime();
            return v < 0 ? UNKNOWN : v;
        } catch (RuntimeException | LinkageError e) {
            cpu = false;
            Log.warn("reading thread CPU time failed (" + e + "); CPU time is recorded as unknown from now on");
            return UNKNOWN;
        }
    }

    /** @return bytes the current thread has allocated since it started, or {@link #UNKNOWN} */
    public long allocatedBytes() {
        if (!allocation) {
            return UNKNOWN;
        }
        try {
            long v = threads.getCurrentThreadAllocatedBytes();
            return v < 0 ? UNKNOWN : v;
        } catch (RuntimeException | LinkageError e) {
            allocation = false;
            Log.warn("reading thread allocations failed (" + e + "); allocations are recorded as unknown from now on");
            return UNKNOWN;
        }
    }
}
