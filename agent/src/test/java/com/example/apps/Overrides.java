package com.example.apps;

import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;

/** One tool whose override calls super, both marked; and a recursive tool, which stays one call per level. */
public class Overrides {

    public static class Base {
        @Tool(name = "greet")
        @Timeout(soft = "0", hard = "400ms")
        public String greet(String who, long sleepMillis) throws InterruptedException {
            Thread.sleep(sleepMillis);
            return "hello " + who;
        }
    }

    public static class Polite extends Base {
        @Override
        @Tool(name = "greet")
        @Timeout(soft = "0", hard = "400ms")
        public String greet(String who, long sleepMillis) throws InterruptedException {
            Thread.sleep(sleepMillis);
            return super.greet(who, sleepMillis) + ", nice to see you";
        }
    }

    public static void main(String[] args) throws Exception {
        Base b = new Polite();
        Out.result("fast", b.greet("ada", 10));
        long start = System.nanoTime();
        try {
            Out.result("slow", b.greet("bob", 300)); // 300 ms in the override + 300 ms in super: 600 ms, past 400 ms once
        } catch (RuntimeException e) {
            Out.result("slow", e.getClass().getSimpleName());
        }
        Out.result("slowMillis", (System.nanoTime() - start) / 1_000_000);
        Out.result("calls", dev.toolwarden.Toolwarden.statistics("greet").map(s -> s.calls()).orElse(-1L));
        Out.result("timeouts", dev.toolwarden.Toolwarden.statistics("greet").map(s -> s.timeouts()).orElse(-1L));
    }
}
