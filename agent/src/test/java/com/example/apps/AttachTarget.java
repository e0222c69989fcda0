package com.example.apps;

import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * An application started without the agent, to which the test attaches it: its tool class is
 * loaded and called before, a call is in flight while the agent arrives, and more calls follow.
 * Coordinates with the test through files in args[0].
 */
public class AttachTarget {

    /** The tools: loaded before the agent. */
    public static class Tools {
        @Tool(name = "quick")
        public String quick(String s) {
            return "quick " + s;
        }

        @Tool(name = "hang")
        @Timeout(soft = "100ms", hard = "300ms")
        public String hang(long millis) throws InterruptedException {
            Thread.sleep(millis);
            return "woke after " + millis;
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args[0]);
        // A web application's child-first loader, made before the agent comes, with its own copy of the SDK.
        java.net.URLClassLoader webapp = new ChildFirst.ChildFirstLoader(new java.net.URL[] {
            AttachTarget.class.getProtectionDomain().getCodeSource().getLocation(), Paths.get(args[1]).toUri().toURL()},
                AttachTarget.class.getClassLoader());
        Tools tools = new Tools();
        Out.result("before", tools.quick("before")); // the class is loaded and used
        // A HikariCP pool made before the agent comes, one connection in use: found at its housekeeping.
        System.setProperty("com.zaxxer.hikari.housekeeping.periodMs", "300");
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:attach;DB_CLOSE_DELAY=-1");
        config.setPoolName("before-attach");
        config.setMaximumPoolSize(3);
        com.zaxxer.hikari.HikariDataSource shop = new com.zaxxer.hikari.HikariDataSource(config);
        java.sql.Connection held = shop.getConnection();
        // A call in flight while the agent comes: it must end as it would have, unlimited (1.5 s > 300 ms).
        String[] inFlight = new String[1];
        Thread flying = new Thread(() -> {
            try {
                inFlight[0] = tools.hang(1500);
            } catch (Throwable t) {
                inFlight[0] = "threw " + t;
            }
        });
        flying.start();
        // Written aside and moved into place, so that the test never reads a file that is still empty.
        Files.writeString(dir.resolve("pid.tmp"), String.valueOf(ProcessHandle.current().pid()));
        Files.move(dir.resolve("pid.tmp"), dir.resolve("pid"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(dir.resolve("attached"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("never attached");
            }
            Thread.sleep(20);
        }
        Thread.sleep(1000); // the background weaving of classes loaded before
        for (int i = 0; i < 3; i++) {
            tools.quick("after " + i);
        }
        long start = System.nanoTime();
        try {
            Out.result("hang", tools.hang(5000));
        } catch (RuntimeException e) {
            Out.result("hang", e.getClass().getName());
        }
        Out.result("hangMillis", (System.nanoTime() - start) / 1_000_000);
        flying.join();
        Out.result("inFlight", inFlight[0]);
        // The web application's tools, loaded after the attach through the loader made before it.
        Class<?> type = webapp.loadClass("com.example.apps.ChildFirstTools");
        Object webTools = type.getConstructor().newInstance();
        Out.result("webapp.guarded", type.getMethod("guarded", String.class).invoke(webTools, "b"));
        Out.result("webapp.seen", type.getMethod("calls", String.class).invoke(webTools, "cf.guarded"));
        Out.result("calls.quick", dev.toolwarden.Toolwarden.statistics("quick").map(s -> s.calls()).orElse(-1L));
        Out.result("calls.hang", dev.toolwarden.Toolwarden.statistics("hang").map(s -> s.calls()).orElse(-1L));
        long poolDeadline = System.nanoTime() + 10_000_000_000L;
        java.util.List<dev.toolwarden.PoolStatistics> pools = dev.toolwarden.Toolwarden.pools();
        while (pools.stream().noneMatch(p -> p.pool().equals("before-attach")) && System.nanoTime() < poolDeadline) {
            Thread.sleep(50);
            pools = dev.toolwarden.Toolwarden.pools();
        }
        Out.result("pools", pools.stream().filter(p -> p.pool().equals("before-attach"))
                .map(p -> p.pool() + " " + p.active() + "/" + p.max()).toList());
        held.close();
        shop.close();
    }
}
