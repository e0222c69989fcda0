package com.example.apps;

import dev.toolwarden.IsolationStatistics;
import dev.toolwarden.ResourceExhaustedException;
import dev.toolwarden.ToolStatistics;
import dev.toolwarden.ToolTimeoutException;
import dev.toolwarden.Toolwarden;
import dev.toolwarden.annotation.Fallback;
import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Fallbacks, isolation, concurrency bounds and asynchronous tools, each with short limits. */
public class GuardedTools {

    static volatile boolean stop;
    static final ThreadLocal<String> REQUEST = new ThreadLocal<>();
    volatile String pinged = "no";
    volatile CompletableFuture<String> neverCompleted;

    // ---- fallbacks on an in-place hard timeout ----

    @Tool(name = "search")
    @Timeout(soft = "0", hard = "300ms")
    @Fallback("cachedSearch")
    public String search(String query) throws InterruptedException {
        Thread.sleep(20_000);
        return "live " + query;
    }

    String cachedSearch(String query, Throwable why) {
        return "cached " + query + " because " + why.getClass().getSimpleName() + " interrupted="
                + Thread.currentThread().isInterrupted();
    }

    @Tool(name = "broken")
    @Timeout(soft = "0", hard = "300ms")
    @Fallback("brokenFallback")
    public String broken() throws InterruptedException {
        Thread.sleep(20_000);
        return "never";
    }

    private String brokenFallback() {
        throw new IllegalStateException("the fallback failed too");
    }

    @Tool(name = "ping")
    @Timeout(soft = "0", hard = "300ms")
    @Fallback("pingFallback")
    public void ping() throws InterruptedException {
        Thread.sleep(20_000);
    }

    void pingFallback() {
        pinged = "by fallback";
    }

    @Tool(name = "count")
    @Timeout(soft = "0", hard = "300ms")
    @Fallback("countFallback")
    public static int count(int base) throws InterruptedException {
        Thread.sleep(20_000);
        return base;
    }

    static int countFallback(int base) {
        return -base;
    }

    @Tool(name = "quickWithFallback")
    @Timeout(soft = "0", hard = "5s")
    @Fallback("cachedSearch")
    public String quickWithFallback(String query) {
        return "live " + query;
    }

    // ---- isolation ----

    @Tool(name = "spinner")
    @Timeout(soft = "0", hard = "300ms", isolate = true)
    public String spinner() {
        // Ignores interrupts altogether: only isolation gives the caller control back.
        while (!stop) {
            Thread.onSpinWait();
        }
        return "stopped";
    }

    @Tool(name = "isolatedWhere")
    @Timeout(soft = "0", hard = "5s", isolate = true)
    public String isolatedWhere(String x) {
        return x + " on " + Thread.currentThread().getName().replaceAll("-\\d+$", "") + " request=" + REQUEST.get();
    }

    @Tool(name = "isolatedThrows")
    @Timeout(soft = "0", hard = "5s", isolate = true)
    public String isolatedThrows() throws IOException {
        throw new IOException("disk gone");
    }

    @Tool(name = "spinnerWithFallback")
    @Timeout(soft = "0", hard = "300ms", isolate = true)
    @Fallback("spinnerFallback")
    public String spinnerWithFallback() {
        while (!stop) {
            Thread.onSpinWait();
        }
        return "stopped";
    }

    String spinnerFallback(RuntimeException why) {
        return "fallback after " + why.getClass().getSimpleName();
    }

    @Tool(name = "isolatedSleeper")
    @Timeout(soft = "100ms", hard = "5s", isolate = true)
    public String isolatedSleeper() throws InterruptedException {
        Thread.sleep(20_000);
        return "woke";
    }

    // ---- blocking reads from a peer that never answers ----

    @Tool(name = "channelRead")
    @Timeout(soft = "0", hard = "300ms")
    public int channelRead(java.nio.channels.SocketChannel channel) throws IOException {
        // An interruptible channel: the interrupt closes it and the read ends at once, in place.
        return channel.read(java.nio.ByteBuffer.allocate(16));
    }

    @Tool(name = "socketRead")
    @Timeout(soft = "0", hard = "300ms", isolate = true)
    public int socketRead(java.net.Socket socket) throws IOException {
        // A classic socket read ignores interrupts: only isolation gives the caller control back.
        return socket.getInputStream().read();
    }

    // ---- concurrency bound ----

    @Tool(name = "single", maxConcurrent = 1)
    @Timeout(soft = "0", hard = "5s")
    public String single(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        entered.countDown();
        release.await();
        return "single done";
    }

    @Tool(name = "singleWithFallback", maxConcurrent = 1)
    @Timeout(soft = "0", hard = "5s")
    @Fallback("busy")
    public String singleWithFallback(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        return single2(entered, release);
    }

    private String single2(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        entered.countDown();
        release.await();
        return "single done";
    }

    String busy(CountDownLatch entered, CountDownLatch release, RuntimeException why) {
        return "busy: " + ((ResourceExhaustedException) why).resource();
    }

    // ---- asynchronous tools ----

    @Tool(name = "asyncHang")
    @Timeout(soft = "100ms", hard = "300ms")
    public CompletableFuture<String> asyncHang() {
        neverCompleted = new CompletableFuture<>();
        return neverCompleted;
    }

    @Tool(name = "asyncOk")
    @Timeout(soft = "0", hard = "5s")
    public CompletionStage<String> asyncOk() {
        return CompletableFuture.supplyAsync(() -> {
            sleep(200);
            return "async done";
        });
    }

    @Tool(name = "asyncFails")
    @Timeout(soft = "0", hard = "5s")
    public CompletableFuture<String> asyncFails() {
        return CompletableFuture.supplyAsync(() -> {
            throw new IllegalArgumentException("bad input");
        });
    }

    @Tool(name = "asyncWithFallback")
    @Timeout(soft = "0", hard = "300ms")
    @Fallback("asyncFallback")
    public CompletionStage<String> asyncWithFallback(String q) {
        return new CompletableFuture<>();
    }

    CompletionStage<String> asyncFallback(String q) {
        return CompletableFuture.completedFuture("async fallback " + q);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    interface Call {
        Object run() throws Exception;
    }

    static void attempt(String name, Call call) {
        long start = System.nanoTime();
        String result;
        try {
            result = "returned " + call.run();
        } catch (ToolTimeoutException e) {
            result = "timeout " + e.tool();
            Out.result(name + ".cause", e.getCause() == null ? "none" : e.getCause().getClass().getSimpleName());
        } catch (ResourceExhaustedException e) {
            result = "rejected " + e.tool() + " " + e.resource();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            result = "stage failed " + c.getClass().getSimpleName()
                    + (c instanceof ToolTimeoutException ? " " + ((ToolTimeoutException) c).tool() : "");
        } catch (Exception e) {
            result = "threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        Out.result(name, result);
        Out.result(name + ".millis", (System.nanoTime() - start) / 1_000_000);
        Out.result(name + ".interruptedAfter", Thread.interrupted());
    }

    /** With toolwarden.isolation.threads=2: two abandoned bodies hold both workers, the third call is rejected. */
    static void bound() throws Exception {
        GuardedTools t = new GuardedTools();
        attempt("first", t::spinner);
        attempt("second", t::spinner);
        attempt("third", t::spinner);
        attempt("thirdWithFallback", t::spinnerWithFallback);
        IsolationStatistics s = Toolwarden.isolation();
        Out.result("isolation", s.maxThreads() + "/" + s.busy() + "/" + s.abandoned() + "/" + s.rejected());
        stop = true;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Toolwarden.isolation().busy() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        attempt("afterwards", () -> t.isolatedWhere("y"));
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("bound")) {
            bound();
            return;
        }
        GuardedTools t = new GuardedTools();
        attempt("search", () -> t.search("weather"));
        attempt("broken", t::broken);
        attempt("ping", () -> {
            t.ping();
            return t.pinged;
        });
        attempt("count", () -> count(7));
        attempt("quickWithFallback", () -> t.quickWithFallback("news"));

        attempt("spinner", t::spinner);
        IsolationStatistics during = Toolwarden.isolation();
        Out.result("abandonedDuring", during.abandoned());
        REQUEST.set("r-1");
        attempt("isolatedWhere", () -> t.isolatedWhere("x"));
        attempt("isolatedThrows", t::isolatedThrows);
        attempt("spinnerWithFallback", t::spinnerWithFallback);
        stop = true;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Toolwarden.isolation().abandoned() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        IsolationStatistics after = Toolwarden.isolation();
        Out.result("abandonedAfter", after.abandoned());
        Out.result("abandonedTotal", after.abandonedTotal());
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress());
                java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                        silent.getLocalSocketAddress());
                java.net.Socket socket = new java.net.Socket(silent.getInetAddress(), silent.getLocalPort())) {
            attempt("channelRead", () -> t.channelRead(channel));
            Out.result("channelOpenAfter", channel.isOpen());
            attempt("socketRead", () -> t.socketRead(socket));
            Out.result("socketAbandoned", Toolwarden.isolation().abandoned());
        }
        until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Toolwarden.isolation().abandoned() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        Out.result("socketAbandonedAfterClose", Toolwarden.isolation().abandoned());
        // An interrupt of the waiting caller reaches the isolated body, and stays with the caller.
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            sleep(200);
            caller.interrupt();
        });
        interrupter.start();
        attempt("isolatedInterrupted", t::isolatedSleeper);
        interrupter.join();

        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> attempt("singleFirst", () -> t.single(entered, release)));
        holder.start();
        entered.await();
        attempt("singleSecond", () -> t.single(new CountDownLatch(1), new CountDownLatch(0)));
        release.countDown();
        holder.join();
        attempt("singleThird", () -> t.single(new CountDownLatch(1), new CountDownLatch(0)));
        CountDownLatch entered2 = new CountDownLatch(1);
        CountDownLatch release2 = new CountDownLatch(1);
        Thread holder2 = new Thread(() -> attempt("bf1", () -> t.singleWithFallback(entered2, release2)));
        holder2.start();
        entered2.await();
        attempt("singleWithFallback", () -> t.singleWithFallback(new CountDownLatch(1), new CountDownLatch(0)));
        release2.countDown();
        holder2.join();

        attempt("asyncHang", () -> t.asyncHang().join());
        Out.result("asyncHang.sourceCancelled", t.neverCompleted.isCancelled());
        attempt("asyncOk", () -> t.asyncOk().toCompletableFuture().join());
        attempt("asyncFails", () -> t.asyncFails().join());
        attempt("asyncWithFallback", () -> t.asyncWithFallback("q").toCompletableFuture().join());

        for (ToolStatistics s : Toolwarden.statistics()) {
            Out.result("stats." + s.name(), s.calls() + "/" + s.errors() + "/" + s.timeouts() + "/" + s.rejected()
                    + "/" + s.fallbacks());
        }
        Out.result("inFlightAfterwards", Toolwarden.callsInFlight());
    }
}
