package com.example.apps;

import dev.toolwarden.ToolTimeoutException;
import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/** Tools that hang in different ways, each with a hard limit of 300 ms. */
public class HangingTools {

    private final BlockingQueue<String> neverFilled = new ArrayBlockingQueue<>(1);

    @Tool(name = "sleeper")
    @Timeout(soft = "0", hard = "300ms")
    public String sleeper() throws InterruptedException {
        Thread.sleep(20_000);
        return "woke up";
    }

    @Tool(name = "taker")
    @Timeout(soft = "0", hard = "300ms")
    public String taker() throws InterruptedException {
        return neverFilled.take();
    }

    @Tool(name = "swallower")
    @Timeout(soft = "0", hard = "300ms")
    public String swallower() {
        // Ignores the interrupt and finishes late: the caller still gets the timeout.
        long until = System.nanoTime() + 600_000_000L;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        return "finished late";
    }

    @Tool(name = "outer")
    @Timeout(soft = "0", hard = "300ms")
    public String outer() {
        return inner();
    }

    @Tool(name = "inner")
    @Timeout(soft = "0", hard = "0")
    public String inner() {
        return swallowingSleep(800);
    }

    private static String swallowingSleep(long millis) {
        long until = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < until) {
            try {
                Thread.sleep(Math.max(1, until - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                // swallowed, as careless code does
            }
        }
        return "inner done";
    }

    @Tool(name = "quick")
    @Timeout(soft = "0", hard = "300ms")
    public int quick(int x) {
        return x + 1;
    }

    interface Call {
        Object run() throws Exception;
    }

    private static void attempt(String name, Call call) {
        long start = System.nanoTime();
        String result;
        try {
            result = "returned " + call.run();
        } catch (ToolTimeoutException e) {
            result = "timeout " + e.tool() + " limit=" + e.limit().toMillis() + " cause="
                    + (e.getCause() == null ? "none" : e.getCause().getClass().getSimpleName());
        } catch (Exception e) {
            result = "threw " + e;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Out.result(name, result);
        Out.result(name + ".millis", millis);
        Out.result(name + ".interruptedAfter", Thread.interrupted());
    }

    public static void main(String[] args) {
        HangingTools t = new HangingTools();
        attempt("sleeper", t::sleeper);
        attempt("taker", t::taker);
        attempt("swallower", t::swallower);
        attempt("outer", t::outer);
        int sum = 0;
        for (int i = 0; i < 10_000; i++) {
            sum += t.quick(i) - i;
        }
        Out.result("quick", sum);
        Out.result("quick.interruptedAfter", Thread.interrupted());
        // The application's own interrupt, set before a call that passes its hard limit, is kept.
        Thread.currentThread().interrupt();
        attempt("appInterrupt", t::swallower);
        Out.statistics();
    }
}
