package dev.toolwarden.benchmarks;

import dev.toolwarden.ToolTimeoutException;
import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
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
     *     the hard limit, which keeps that many calls in flight
     * @throws InterruptedException if interrupted while waiting for the threads
     */
    public static void main(String[] args) throws InterruptedException {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        boolean together = args.length > 1 && args[1].equals("together");
        round(200, true, false); // warm-up: the timeout path's first use loads classes and links call sites
        round(calls, together, true);
    }

    private static void round(int calls, boolean together, boolean print) throws InterruptedException {
        Hanging tool = new Hanging();
        long[] lateness = new long[calls];
        AtomicInteger timedOut = new AtomicInteger();
        AtomicInteger leftInterrupted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        long spreadNanos = together ? 0 : 500_000_000L;
        Thread[] threads = new Thread[calls];
        long[] origin = new long[1];
        for (int i = 0; i < calls; i++) {
            int index = i;
            threads[i] = new Thread(() -> {
                try {
                    go.await();
                    // Spread the starts over one hard limit, so that deadlines come one after another.
                    long startAt = origin[0] + spreadNanos * index / calls;
                    long wait = startAt - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                long start = System.nanoTime();
                try {
                    tool.hang();
                } catch (ToolTimeoutException e) {
                    timedOut.incrementAndGet();
                } catch (InterruptedException e) {
                    // not expected: the caller gets ToolTimeoutException instead
                }
                lateness[index] = System.nanoTime() - start - 500_000_000L;
                if (Thread.currentThread().isInterrupted()) {
                    leftInterrupted.incrementAndGet();
                }
            }, "caller-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
        origin[0] = System.nanoTime() + 200_000_000L;
        go.countDown();
        int peak = 0;
        for (long until = origin[0] + spreadNanos + 400_000_000L; System.nanoTime() < until;) {
            Thread.sleep(20);
            peak = Math.max(peak, dev.toolwarden.Toolwarden.callsInFlight());
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!print) {
            return;
        }
        Arrays.sort(lateness);
        System.out.printf("calls=%d (%s) peakInFlight=%d timedOut=%d leftInterrupted=%d lateness p50=%.1fms "
                + "p99=%.1fms max=%.1fms%n", calls, together ? "one deadline" : "deadlines spread over 500ms", peak,
                timedOut.get(), leftInterrupted.get(), lateness[calls / 2] / 1e6,
                lateness[(int) Math.ceil(calls * 0.99) - 1] / 1e6, lateness[calls - 1] / 1e6);
        System.out.println("inFlightAfterwards=" + dev.toolwarden.Toolwarden.callsInFlight());
    }
}
