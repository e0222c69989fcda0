package com.example.apps;

import dev.toolwarden.CacheStatistics;
import dev.toolwarden.ToolStatistics;
import dev.toolwarden.Toolwarden;
import dev.toolwarden.annotation.CacheKey;
import dev.toolwarden.annotation.Cached;
import dev.toolwarden.annotation.SessionId;
import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;
import dev.toolwarden.annotation.UserId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Cached tools: every body counts its runs, so the test can tell a hit from a miss. */
public class CachedTools {

    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    static int ran(String body) {
        return RUNS.computeIfAbsent(body, b -> new AtomicInteger()).incrementAndGet();
    }

    static int runs(String body) {
        AtomicInteger n = RUNS.get(body);
        return n == null ? 0 : n.get();
    }

    @Tool(name = "lookup")
    @Cached
    public String lookup(String query) {
        ran("lookup");
        return "answer to " + query;
    }

    @Tool(name = "answer")
    @Cached
    public String answer(@CacheKey String question, @UserId String user, String ignoredStyle) {
        ran("answer");
        return "for " + user + ": " + question;
    }

    @Tool(name = "inSession")
    @Cached
    public String inSession(@CacheKey String question, @UserId String user, @SessionId String session) {
        ran("inSession");
        return user + "/" + session + ": " + question;
    }

    @Tool(name = "slowModel")
    @Cached
    public String slowModel(String prompt) throws InterruptedException {
        ran("slowModel");
        Thread.sleep(300);
        return "completion of " + prompt;
    }

    private final AtomicInteger flaky = new AtomicInteger();

    @Tool(name = "flaky")
    @Cached
    public String flaky(String q) {
        ran("flaky");
        if (flaky.incrementAndGet() == 1) {
            throw new IllegalStateException("first call fails");
        }
        return "ok " + q;
    }

    @Tool(name = "nothing")
    @Cached
    public String nothing(String q) {
        ran("nothing");
        return null;
    }

    @Tool(name = "sum")
    @Cached
    public int sum(int[] values) {
        ran("sum");
        int s = 0;
        for (int v : values) {
            s += v;
        }
        return s;
    }

    @Tool(name = "shortLived")
    @Cached(category = "query_analysis", ttl = "300ms")
    public String shortLived(String q) {
        ran("shortLived");
        return "fresh " + q;
    }

    private final AtomicInteger version = new AtomicInteger();

    @Tool(name = "refreshing")
    @Cached(category = "refreshing")
    public String refreshing(String q) {
        ran("refreshing");
        GuardedTools.sleep(150); // a slow tool: the caller after the refresh age must not wait for its reload
        return q + " v" + version.incrementAndGet();
    }

    /** Not annotated @Cached: cached by toolwarden.tools.configured.cache=response_cache. */
    @Tool(name = "configured")
    public String configured(String q) {
        ran("configured");
        return "configured " + q;
    }

    @Tool(name = "fetch")
    @Cached
    public CompletableFuture<String> fetch(String q) {
        ran("fetch");
        return CompletableFuture.supplyAsync(() -> {
            GuardedTools.sleep(100);
            return "fetched " + q;
        });
    }

    /** Never completes: its hard limit ends it, for the caller that computes it and the one that waits. */
    @Tool(name = "stuck")
    @Cached
    @Timeout(hard = "300ms")
    public CompletableFuture<String> stuck(String q) {
        ran("stuck");
        return new CompletableFuture<>();
    }

    @Tool(name = "many")
    @Cached(category = "context_cache")
    public String many(int i) {
        ran("many");
        return "entry " + i;
    }

    private static void stats(String tool) {
        ToolStatistics s = Toolwarden.statistics(tool).orElseThrow();
        Out.result("stats." + tool, s.calls() + "/" + s.cacheHits() + "/" + s.errors());
    }

    /** With toolwarden.cache.max-size=5: twenty keys in one category keep at most five. */
    static void bounded() throws Exception {
        CachedTools t = new CachedTools();
        for (int i = 0; i < 20; i++) {
            t.many(i);
        }
        long until = System.nanoTime() + 3_000_000_000L;
        CacheStatistics s;
        do {
            Thread.sleep(50);
            s = Toolwarden.cacheStatistics("context_cache").orElseThrow();
        } while (s.size() > 5 && System.nanoTime() < until);
        Out.result("bounded.size", s.size());
        Out.result("bounded.evictions", s.evictions());
        t.many(19);
        Out.result("bounded.lastStillCached", runs("many"));
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("bounded")) {
            bounded();
            return;
        }
        CachedTools t = new CachedTools();

        Out.result("lookup.first", t.lookup("weather"));
        Out.result("lookup.second", t.lookup("weather"));
        Out.result("lookup.runs", runs("lookup"));
        stats("lookup");

        Out.result("answer.alice", t.answer("capital of France?", "alice", "short"));
        Out.result("answer.bob", t.answer("capital of France?", "bob", "short"));
        Out.result("answer.aliceAgain", t.answer("capital of France?", "alice", "long"));
        Out.result("answer.runs", runs("answer"));

        t.inSession("q", "alice", "s1");
        Out.result("inSession.otherSession", t.inSession("q", "alice", "s2"));
        t.inSession("q", "alice", "s1");
        Out.result("inSession.runs", runs("inSession"));

        int callers = 100;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        AtomicInteger same = new AtomicInteger();
        for (int i = 0; i < callers; i++) {
            Thread th = new Thread(() -> {
                try {
                    go.await();
                    if (t.slowModel("hello").equals("completion of hello")) {
                        same.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            th.start();
            threads.add(th);
        }
        long start = System.nanoTime();
        go.countDown();
        // Meanwhile another key is not held up by the 300 ms load.
        Thread.sleep(50);
        long other = System.nanoTime();
        t.lookup("another key");
        Out.result("otherKey.millis", (System.nanoTime() - other) / 1_000_000);
        for (Thread th : threads) {
            th.join();
        }
        Out.result("slowModel.runs", runs("slowModel"));
        Out.result("slowModel.sameAnswer", same.get());
        Out.result("slowModel.millis", (System.nanoTime() - start) / 1_000_000);
        stats("slowModel");

        try {
            t.flaky("x");
        } catch (IllegalStateException e) {
            Out.result("flaky.first", "threw " + e.getMessage());
        }
        Out.result("flaky.second", t.flaky("x"));
        Out.result("flaky.third", t.flaky("x"));
        Out.result("flaky.runs", runs("flaky"));

        t.nothing("x");
        t.nothing("x");
        Out.result("nothing.runs", runs("nothing"));

        Out.result("sum.first", t.sum(new int[] {1, 2, 3}));
        Out.result("sum.second", t.sum(new int[] {1, 2, 3}));
        Out.result("sum.other", t.sum(new int[] {1, 2, 4}));
        Out.result("sum.runs", runs("sum"));

        t.shortLived("x");
        t.shortLived("x");
        Out.result("shortLived.runsBefore", runs("shortLived"));
        // Expired entries are removed by the scheduler (to about a second), without a caller touching them.
        long expiryDeadline = System.nanoTime() + 5_000_000_000L;
        while (Toolwarden.cacheStatistics("query_analysis").orElseThrow().size() > 0 && System.nanoTime() < expiryDeadline) {
            Thread.sleep(50);
        }
        Out.result("shortLived.sizeAfterExpiry", Toolwarden.cacheStatistics("query_analysis").orElseThrow().size());
        t.shortLived("x");
        Out.result("shortLived.runsAfter", runs("shortLived"));

        Out.result("refreshing.first", t.refreshing("q"));
        Thread.sleep(500);
        long before = System.nanoTime();
        Out.result("refreshing.stale", t.refreshing("q"));
        Out.result("refreshing.staleMillis", (System.nanoTime() - before) / 1_000_000);
        Thread.sleep(300);
        Out.result("refreshing.fresh", t.refreshing("q"));

        t.configured("x");
        t.configured("x");
        Out.result("configured.runs", runs("configured"));

        CompletableFuture<String> f1 = t.fetch("a");
        CompletableFuture<String> f2 = t.fetch("a");
        Out.result("fetch.values", f1.join() + "|" + f2.join());
        Out.result("fetch.distinctStages", f1 != f2);
        f2.cancel(true);
        Out.result("fetch.third", t.fetch("a").join());
        Out.result("fetch.runs", runs("fetch"));

        CompletableFuture<String> computing = t.stuck("k");
        CompletableFuture<String> waiting = t.stuck("k");
        // What the application chains on the waiting caller's stage runs where that stage completes.
        CompletableFuture<String> where = waiting.handle((v, e) -> Thread.currentThread().getName() + "|"
                + (e == null ? "value" : (e instanceof java.util.concurrent.CompletionException ? e.getCause() : e)
                        .getClass().getSimpleName()));
        Out.result("stuck.follower", where.get(10, java.util.concurrent.TimeUnit.SECONDS));
        Out.result("stuck.computing", computing.handle((v, e) -> e == null ? "value"
                : (e instanceof java.util.concurrent.CompletionException ? e.getCause() : e).getClass().getSimpleName())
                .get(10, java.util.concurrent.TimeUnit.SECONDS));
        Out.result("stuck.runs", runs("stuck"));

        Out.result("invalidate.lookup", Toolwarden.invalidate("lookup", "weather"));
        t.lookup("weather");
        Out.result("lookup.runsAfterInvalidate", runs("lookup"));
        try {
            Toolwarden.invalidate("answer", "only one value");
        } catch (IllegalArgumentException e) {
            Out.result("invalidate.wrongArity", e.getMessage());
        }
        Toolwarden.invalidateAll();
        t.answer("capital of France?", "alice", "short");
        Out.result("answer.runsAfterInvalidateAll", runs("answer"));

        CacheStatistics rc = Toolwarden.cacheStatistics("response_cache").orElseThrow();
        Out.result("response_cache.hitsAndMisses", rc.hits() + "/" + rc.misses());
        Out.result("inFlightAfterwards", Toolwarden.callsInFlight());

        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = new javax.management.ObjectName("dev.toolwarden:type=Cache,name=\"response_cache\"");
        long jmxDeadline = System.nanoTime() + 5_000_000_000L;
        while (!server.isRegistered(name) && System.nanoTime() < jmxDeadline) {
            Thread.sleep(50);
        }
        Out.result("jmx.hits", server.getAttribute(name, "Hits"));
        Out.result("jmx.hitRate", (double) server.getAttribute(name, "HitRate") > 0.5);
        server.invoke(name, "invalidateAll", new Object[0], new String[0]);
        Out.result("jmx.sizeAfterInvalidate", server.getAttribute(name, "Size"));
    }
}
