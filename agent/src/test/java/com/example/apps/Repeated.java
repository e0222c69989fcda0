package com.example.apps;

import dev.toolwarden.annotation.Tool;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;

/** Calls one tool a number of times, on a platform thread or on virtual threads. */
public class Repeated {

    @Tool(name = "work")
    public long work(int n) {
        long sum = 0;
        for (int i = 0; i < n * 1000; i++) {
            sum += Integer.toString(i).length();
        }
        return sum;
    }

    public static void main(String[] args) throws Exception {
        int calls = Integer.parseInt(args[0]);
        boolean virtual = args.length > 1 && args[1].equals("virtual");
        Repeated r = new Repeated();
        if (!virtual) {
            for (int i = 0; i < calls; i++) {
                r.work(10);
            }
        } else {
            CountDownLatch done = new CountDownLatch(calls);
            long[] cpuSeen = new long[1];
            Runnable task = () -> {
                cpuSeen[0] = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                r.work(10);
                done.countDown();
            };
            // Through reflection, so that this class compiles for Java 17.
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            java.lang.reflect.Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
            for (int i = 0; i < calls; i++) {
                start.invoke(builder, task);
            }
            done.await();
            Out.result("virtualThreadCpu", cpuSeen[0]);
        }
        Out.statistics();
    }
}
