package dev.toolwarden.accounting;

import dev.toolwarden.log.Log;
import java.lang.management.ManagementFactory;

/**
 * Reads the current thread's CPU time and allocated bytes. A figure the JVM cannot give (a
 * virtual thread's CPU time, a JVM without the measurement) is {@link #UNKNOWN}, never 0. After
 * the first failure of a reading, that reading is switched off instead of failing on every call.
 *
 * <p>The JVM's thread bean is fetched at the first reading, or by {@link #prepare()} (the agent
 * calls it on a background thread at start-up), not when this is made: fetching it sets up the
 * JDK's platform MXBean machinery, some 15 ms of a small machine's start-up.
 */
public final class ThreadResources {

    /** What a reading returns when the JVM cannot give the figure. */
    public static final long UNKNOWN = -1;

    private volatile boolean cpu;
    private volatile boolean allocation;

    /**
     * @param measureCpu whether CPU time is wanted at all
     */
    public ThreadResources(boolean measureCpu) {
        this.cpu = measureCpu;
        this.allocation = true;
    }

    /** Fetches the JVM's thread bean now, if no reading has yet; safe on any thread, at any time. */
    public static void prepare() {
        Bean.touch();
    }

    /** @return whether CPU time is being measured */
    public boolean measuresCpu() {
        return cpu && Bean.CPU;
    }

    /** @return the current thread's CPU time in nanoseconds, or {@link #UNKNOWN} */
    public long cpuTime() {
        if (!cpu) {
            return UNKNOWN;
        }
        if (!Bean.CPU) {
            cpu = false;
            return UNKNOWN;
        }
        try {
            long v = Bean.THREADS.getCurrentThreadCpuTime();
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
        if (!Bean.ALLOCATION) {
            allocation = false;
            return UNKNOWN;
        }
        try {
            long v = Bean.THREADS.getCurrentThreadAllocatedBytes();
            return v < 0 ? UNKNOWN : v;
        } catch (RuntimeException | LinkageError e) {
            allocation = false;
            Log.warn("reading thread allocations failed (" + e + "); allocations are recorded as unknown from now on");
            return UNKNOWN;
        }
    }

    /**
     * The JVM's thread bean, fetched when this class is first used (the JVM initialises it once, and a
     * reader that comes while another thread does waits for it). Measurements the bean supports are
     * switched on if they are off.
     */
    private static final class Bean {
        static final com.sun.management.ThreadMXBean THREADS;
        static final boolean CPU;
        static final boolean ALLOCATION;

        static {
            com.sun.management.ThreadMXBean mx = null;
            boolean cpuOk = false;
            boolean allocOk = false;
            try {
                java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
                if (bean instanceof com.sun.management.ThreadMXBean) {
                    mx = (com.sun.management.ThreadMXBean) bean;
                    if (mx.isCurrentThreadCpuTimeSupported()) {
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
                } else {
                    Log.warn("this JVM has no com.sun.management.ThreadMXBean: CPU time and allocations are "
                            + "recorded as unknown");
                }
            } catch (RuntimeException | LinkageError e) {
                Log.warn("thread resource measurement is unavailable (" + e + "): CPU time and allocations "
                        + "are recorded as unknown");
            }
            THREADS = mx;
            CPU = cpuOk;
            ALLOCATION = allocOk;
        }

        private Bean() {
        }

        static void touch() {
            // initialising the class is the work
        }
    }
}
