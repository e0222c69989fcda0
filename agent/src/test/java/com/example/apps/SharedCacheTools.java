package com.example.apps;

import dev.toolwarden.CacheStatistics;
import dev.toolwarden.Toolwarden;
import dev.toolwarden.ValueCodec;
import dev.toolwarden.annotation.CacheKey;
import dev.toolwarden.annotation.Cached;
import dev.toolwarden.annotation.Tool;
import dev.toolwarden.annotation.UserId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tools cached in the category "shared", which has a second tier in Redis. Several copies of this
 * application run at once in the tests; they meet through Redis and coordinate through files in a
 * folder the test names (args[1]).
 */
public class SharedCacheTools {

    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    static int ran(String body) {
        return RUNS.computeIfAbsent(body, b -> new AtomicInteger()).incrementAndGet();
    }

    static int runs(String body) {
        AtomicInteger n = RUNS.get(body);
        return n == null ? 0 : n.get();
    }

    /** A record: carried as JSON by the application's Jackson. */
    public record Forecast(String city, int celsius) {
    }

    /** A class of the application's with a codec of its own. */
    public static final class Quote {
        final String text;

        Quote(String text) {
            this.text = text;
        }
    }

    /** The codec of {@link Quote}: its text, after a marker. */
    public static final class QuoteCodec implements ValueCodec<Quote> {
        @Override
        public Class<Quote> type() {
            return Quote.class;
        }

        @Override
        public byte[] encode(Quote value) {
            return ("quote:" + value.text).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Quote decode(byte[] bytes) {
            String s = new String(bytes, StandardCharsets.UTF_8);
            if (!s.startsWith("quote:")) {
                throw new IllegalArgumentException("not a quote");
            }
            return new Quote(s.substring(6));
        }
    }

    @Tool(name = "lookup")
    @Cached(category = "shared")
    public String lookup(String query) {
        ran("lookup");
        return "answer to " + query;
    }

    @Tool(name = "answer")
    @Cached(category = "shared")
    public String answer(@CacheKey String question, @UserId String user) {
        ran("answer");
        return "for " + user + ": " + question;
    }

    @Tool(name = "forecast")
    @Cached(category = "shared")
    public Forecast forecast(String city) {
        ran("forecast");
        return new Forecast(city, city.length());
    }

    @Tool(name = "quote")
    @Cached(category = "shared")
    public Quote quote(String topic) {
        ran("quote");
        return new Quote("on " + topic);
    }

    @Tool(name = "opaque")
    @Cached(category = "shared")
    public java.util.List<String> opaque(String topic) {
        ran("opaque");
        return java.util.List.of("about " + topic); // generic: no codec, no JSON form, so cached in each JVM only
    }

    @Tool(name = "asyncLookup")
    @Cached(category = "shared")
    public CompletableFuture<String> asyncLookup(String query) {
        ran("asyncLookup");
        return CompletableFuture.supplyAsync(() -> "later: " + query);
    }

    @Tool(name = "count")
    @Cached(category = "shared")
    public Integer count(String what) {
        ran("count");
        return what.length();
    }

    /** A slow model call, in a category whose instances wait for each other's computation. */
    @Tool(name = "expensive")
    @Cached(category = "fleet")
    public String expensive(String prompt) throws InterruptedException {
        ran("expensive");
        Thread.sleep(800);
        return "completion of " + prompt;
    }

    // ---- coordination through files ----

    static Path dir;

    static void signal(String name) throws Exception {
        Files.writeString(dir.resolve(name), "x");
    }

    static void await(String name) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(dir.resolve(name))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + name + " within 60 s");
            }
            Thread.sleep(20);
        }
    }

    static CacheStatistics stats(String category) {
        return Toolwarden.cacheStatistics(category).orElseThrow();
    }

    /** Polls until the category's entries of this JVM are gone (an invalidation from another instance). */
    static boolean awaitEmpty(String category, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (stats(category).size() == 0) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    static void report(String prefix) {
        CacheStatistics s = stats("shared");
        Out.result(prefix + "l2", s.l2() + "/" + s.l2Hits() + "/" + s.l2Misses() + "/" + s.l2Unavailable() + "/"
                + s.l2DecodeFailures());
    }

    public static void main(String[] args) throws Exception {
        Toolwarden.registerCodec(new QuoteCodec());
        String role = args[0];
        dir = Paths.get(args[1]);
        SharedCacheTools t = new SharedCacheTools();
        switch (role) {
            case "first" -> first(t);
            case "second" -> second(t);
            case "outage" -> outage(t);
            case "poisoned" -> poisoned(t);
            case "racer" -> racer(t);
            default -> throw new IllegalArgumentException(role);
        }
    }

    /** Computes answers, then waits for the second instance's invalidations to reach it. */
    static void first(SharedCacheTools t) throws Exception {
        Out.result("first.lookup", t.lookup("weather"));
        Out.result("first.answer", t.answer("capital?", "alice"));
        Out.result("first.forecast", t.forecast("Paris"));
        Out.result("first.quote", t.quote("time").text);
        Out.result("first.opaque", t.opaque("x").get(0));
        Out.result("first.async", t.asyncLookup("rain").get());
        Out.result("first.count", t.count("four"));
        Thread.sleep(300); // the writes to Redis are in the background
        signal("computed");
        await("invalidated");
        Out.result("first.emptied", awaitEmpty("shared", 5000));
        Out.result("first.lookupAgain", t.lookup("weather"));
        Out.result("first.lookupRuns", runs("lookup"));
        report("first.");
    }

    /** Served from Redis what the first instance computed; then invalidates it everywhere. */
    static void second(SharedCacheTools t) throws Exception {
        await("computed");
        Out.result("second.lookup", t.lookup("weather"));
        Out.result("second.aliceAnswer", t.answer("capital?", "alice"));
        Out.result("second.bobAnswer", t.answer("capital?", "bob"));
        Forecast f = t.forecast("Paris");
        Out.result("second.forecast", f + " " + f.getClass().getSimpleName());
        Out.result("second.quote", t.quote("time").text);
        Out.result("second.opaque", t.opaque("x").get(0));
        Out.result("second.async", t.asyncLookup("rain").get());
        Out.result("second.count", t.count("four") + 1);
        for (String body : new String[] {"lookup", "answer", "forecast", "quote", "opaque", "asyncLookup", "count"}) {
            Out.result("second.runs." + body, runs(body));
        }
        report("second.");
        Toolwarden.invalidateCategory("shared");
        Thread.sleep(300);
        signal("invalidated");
    }

    /** Calls go on while the test stops Redis and starts it again. */
    static void outage(SharedCacheTools t) throws Exception {
        Out.result("outage.before", t.lookup("before"));
        Thread.sleep(300);
        signal("phase1");
        await("stopped");
        long worst = 0;
        int failures = 0;
        for (int i = 0; i < 50; i++) {
            long start = System.nanoTime();
            try {
                t.lookup("during " + i);
            } catch (RuntimeException e) {
                failures++;
            }
            worst = Math.max(worst, System.nanoTime() - start);
        }
        Out.result("outage.failures", failures);
        Out.result("outage.worstMillis", worst / 1_000_000);
        Out.result("outage.repeatServedLocally", t.lookup("during 3").equals("answer to during 3") && runs("lookup") == 51);
        report("outage.during.");
        signal("phase2");
        await("restarted");
        // Redis is back: the tier resumes by itself within the retry interval.
        long deadline = System.nanoTime() + 10_000_000_000L;
        int i = 0;
        while (System.nanoTime() < deadline) {
            t.lookup("after " + i++);
            Thread.sleep(100);
            if (stats("shared").l2Misses() > 1) {
                break;
            }
        }
        Thread.sleep(300);
        Out.result("outage.after", "after " + (i - 1));
        report("outage.after.");
        signal("phase3");
    }

    /** The test put bytes under the keys of these calls. */
    static void poisoned(SharedCacheTools t) throws Exception {
        Out.result("poisoned.lookup", t.lookup("poison"));
        Out.result("poisoned.forecast", t.forecast("Oslo"));
        Out.result("poisoned.quote", t.quote("poison").text);
        Out.result("poisoned.runs", runs("lookup") + runs("forecast") + runs("quote"));
        report("poisoned.");
    }

    /** Two instances ask for the same slow answer at once. */
    static void racer(SharedCacheTools t) throws Exception {
        signal("ready-" + ProcessHandle.current().pid());
        await("go");
        long start = System.nanoTime();
        Out.result("racer.answer", t.expensive("the same question"));
        Out.result("racer.millis", (System.nanoTime() - start) / 1_000_000);
        Out.result("racer.runs", runs("expensive"));
    }
}
