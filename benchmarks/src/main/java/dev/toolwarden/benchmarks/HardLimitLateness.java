package dev.toolwarden.benchmarks;

import dev.toolwarden.ToolTimeoutException;
import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How late the hard limit ends calls when many are in flight: {@code args[0]} threads (10,000 by
 * default) each call a tool that sleeps far past its 500 ms hard limit, all at once; each measures
 * from its call to the {@link ToolTimeoutException}. Prints the lateness past the limit
 * (p50/p99/max) and checks that every call timed out and no thread was left interrupted. Run with
 * the agent, from the repository root:
 * {@code java -javaagent:agent/target/toolwarden-agent.jar -cp benchmarks/target/benchmarks.jar dev.toolwarden.benchmarks.HardLimitLateness}
 */
public final class HardLimitLateness {

    private HardLimitLateness() {
    }

    /** The tool every thread calls. */
    public static final class Hanging {
        /**
         * @return never, in practice: it sleeps a minute
         * @throws InterruptedException when the hard limit interrupts it
         */
        @Tool(name = "hanging")
        @Timeout(soft = "0", hard = "500ms")
        public String hang() throws InterruptedException {
            Thread.sleep(60_000);
            return "woke";
        }
    }

    /**
     * @param args optionally the number of calls, then {@code together} to give them all the same
     *     deadline (a thundering herd on this machine's two cores) instead of deadlines spread over
     *     the hard limit, which keeps that many calls in flight, and {@code virtual} for virtual
     *     threads (JDK 21 and later) instead of platform threads, and {@code baseline} for the floor
     *     of the machine: the same threads, not in a woven call, each interrupted exactly at its
     *     deadline by a thread that does nothing else
     * @throws InterruptedException if interrupted while waiting for the threads
     */
    public static void main(String[] args) throws InterruptedException {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        java.util.List<String> options = Arrays.asList(args);
        boolean together = options.contains("together");
        boolean virtual = options.contains("virtual");
        boolean baseline = options.contains("baseline");
        // Warm-up: the timeout path's first use loads classes and links call sites.
        round(200, true, virtual, baseline, false);
        round(calls, together, virtual, baseline, true);
    }

    /** A virtual thread on JDK 21 and later, through reflection: this class is compiled for Java 17. */
    private static Thread virtualThread(Runnable task) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (Thread) Class.forName("java.lang.Thread$Builder").getMethod("unstarted", Runnable.class)
                    .invoke(builder, task);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("virtual threads need JDK 21 or later", e);
        }
    }

    private static void round(int calls, boolean together, boolean virtual, boolean baseline, boolean print)
            throws InterruptedException {
        java.util.concurrent.atomic.AtomicLongArray started = new java.util.concurrent.atomic.AtomicLongArray(calls);
        Hanging tool = new Hanging();
        long[] lateness = new long[calls];
        AtomicInteger timedOut = new AtomicInteger();
        AtomicInteger leftInterrupted = new AtomicInteger();
        long spreadNanos = together ? 0 : 500_000_000L;
        Thread[] threads = new Thread[calls];
        // Every thread parks until its own start time, counted from an origin far enough ahead for all
        // of them to be created: no latch, so no herd of thousands of threads waking at once.
        long origin = System.nanoTime() + 300_000_000L + calls * 200_000L;
        for (int i = 0; i < calls; i++) {
            int index = i;
            Runnable call = () -> {
                long startAt = origin + spreadNanos * index / calls;
                for (long wait; (wait = startAt - System.nanoTime()) > 0;) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                long start = System.nanoTime();
                started.set(index, start);
                try {
                    if (baseline) {
                        Thread.sleep(60_000); // not woven: the interrupter below plays a perfect watchdog
                    } else {
                        tool.hang();
                    }
                } catch (ToolTimeoutException e) {
                    timedOut.incrementAndGet();
                } catch (InterruptedException e) {
                    if (baseline) {
                        timedOut.incrementAndGet();
                    } // otherwise not expected: the caller gets ToolTimeoutException instead
                }
                lateness[index] = System.nanoTime() - start - 500_000_000L;
                if (Thread.currentThread().isInterrupted()) {
                    leftInterrupted.incrementAndGet();
                }
            };
            threads[i] = virtual ? virtualThread(call) : new Thread(call, "caller-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
        if (System.nanoTime() > origin) {
            System.out.println("warning: the threads took longer to create than planned; the first calls start late");
        }
        if (baseline) {
            // The floor of this machine: a thread that interrupts each call exactly at its deadline, with
            // no scanning and no accounting; what remains is waking thousands of threads on two cores.
            Thread interrupter = new Thread(() -> {
                for (int i = 0; i < calls; i++) {
                    long start;
                    while ((start = started.get(i)) == 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(100_000L);
                    }
                    for (long wait; (wait = start + 500_000_000L - System.nanoTime()) > 0;) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    threads[i].interrupt();
                }
            }, "perfect-watchdog");
            interrupter.setDaemon(true);
            interrupter.start();
        }
        int peak = 0;
        java.util.concurrent.locks.LockSupport.parkNanos(Math.max(0, origin + spreadNanos - System.nanoTime()));
        // Once, at the moment the most calls are in flight: counting walks every thread's stack.
        peak = dev.toolwarden.Toolwarden.callsInFlight();
        for (Thread t : threads) {
            t.join();
        }
        if (!print) {
            return;
        }
        Arrays.sort(lateness);
        System.out.printf("calls=%d (%s) peakInFlight=%d timedOut=%d leftInterrupted=%d lateness p50=%.1fms "
                + "p99=%.1fms max=%.1fms%n", calls, (baseline ? "baseline: no agent work, a perfect interrupter, " : "")
                + (virtual ? "virtual threads, " : "platform threads, ")
                + (together ? "one deadline" : "deadlines spread over 500ms"), peak,
                timedOut.get(), leftInterrupted.get(), lateness[calls / 2] / 1e6,
                lateness[(int) Math.ceil(calls * 0.99) - 1] / 1e6, lateness[calls - 1] / 1e6);
        System.out.println("inFlightAfterwards=" + dev.toolwarden.Toolwarden.callsInFlight());
    }
}
