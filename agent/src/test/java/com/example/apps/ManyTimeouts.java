package com.example.apps;

import dev.toolwarden.ToolTimeoutException;
import dev.toolwarden.Toolwarden;
import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code args[0]} threads, each in a call past its hard limit at once; what ended how. */
public class ManyTimeouts {

    @Tool(name = "stuck")
    @Timeout(soft = "0", hard = "200ms")
    public String stuck() throws InterruptedException {
        Thread.sleep(120_000);
        return "woke";
    }

    public static void main(String[] args) throws InterruptedException {
        int calls = Integer.parseInt(args[0]);
        ManyTimeouts tool = new ManyTimeouts();
        AtomicInteger timedOut = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        AtomicInteger leftInterrupted = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(calls);
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[calls];
        for (int i = 0; i < calls; i++) {
            threads[i] = new Thread(() -> {
                started.countDown();
                try {
                    go.await();
                    tool.stuck();
                    other.incrementAndGet();
                } catch (ToolTimeoutException e) {
                    timedOut.incrementAndGet();
                } catch (InterruptedException e) {
                    other.incrementAndGet();
                }
                if (Thread.currentThread().isInterrupted()) {
                    leftInterrupted.incrementAndGet();
                }
            });
            threads[i].start();
        }
        started.await();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        Out.result("timedOut", timedOut.get());
        Out.result("other", other.get());
        Out.result("leftInterrupted", leftInterrupted.get());
        Out.result("inFlightAfterwards", Toolwarden.callsInFlight());
        Out.statistics();
        Out.result("timeouts", Toolwarden.statistics("stuck").orElseThrow().timeouts());
    }
}
