package dev.toolwarden.runtime;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.ExecutionKind;
import dev.toolwarden.IsolationStatistics;
import dev.toolwarden.ResourceExhaustedException;
import dev.toolwarden.ToolStatistics;
import dev.toolwarden.ToolTimeoutException;
import dev.toolwarden.accounting.ThreadResources;
import dev.toolwarden.accounting.ToolAggregate;
import dev.toolwarden.bootstrap.Completion;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guarded call paths of the runtime, driven as woven code drives them: {@code enterGuarded}
 * on entry (a {@link Completion} skips the body), {@code exitGuarded} on exit, then
 * {@code fallback} when the completion asks for one. Bodies and fallbacks are method handles on
 * the static helpers at the end of this class.
 */
class GuardedCallsTest {

    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration LIMIT = Duration.ofMillis(200);
    private static final long LIMIT_MS = LIMIT.toMillis();
    /** Generous upper bound for "about the limit" and "at once" on a slow, shared machine. */
    private static final long SLACK_MS = 2_000;

    private static final MethodHandle ECHO = handle("echo", String.class, String.class, AtomicReference.class,
            AtomicReference.class);
    private static final MethodHandle FAIL_CHECKED = handle("failChecked", String.class, IOException.class);
    private static final MethodHandle SPIN = handle("spin", String.class, AtomicBoolean.class, AtomicBoolean.class,
            CountDownLatch.class);
    private static final MethodHandle SPIN_FALLBACK = handle("spinFallback", String.class, AtomicBoolean.class,
            AtomicBoolean.class, CountDownLatch.class, Throwable.class);
    private static final MethodHandle SLEEP = handle("sleepUntilInterrupted", String.class, CountDownLatch.class,
            AtomicReference.class);
    private static final MethodHandle INTERRUPTED_AT_START = handle("interruptedAtStart", Boolean.class);
    private static final MethodHandle WOVEN_BODY = handle("wovenBody", String.class, ToolwardenRuntime.class,
            int.class, int.class, AtomicReference.class);
    private static final MethodHandle FALLBACK_WITH_REASON = handle("fallbackWithReason", String.class,
            String.class, AtomicReference.class, Throwable.class);
    private static final MethodHandle THROWING_FALLBACK = handle("throwingFallback", String.class, String.class,
            AtomicReference.class);
    private static final MethodHandle STAGE_FALLBACK = handle("stageFallback", CompletionStage.class, String.class,
            AtomicReference.class, Throwable.class);
    private static final MethodHandle GREET;
    private static final MethodHandle INSTANCE_FALLBACK;

    static {
        try {
            GREET = MethodHandles.lookup().findVirtual(Greeter.class, "greet",
                    MethodType.methodType(String.class, String.class));
            INSTANCE_FALLBACK = MethodHandles.lookup().findVirtual(Greeter.class, "greetLater",
                    MethodType.methodType(String.class, String.class, Throwable.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() {
        Log.setOutput(new PrintStream(logged, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
        Thread.interrupted(); // never leave an interrupt to the next test, whatever happened
    }

    private String log() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ set-up helpers

    private static ToolwardenRuntime runtime(String... systemProperties) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < systemProperties.length; i += 2) {
            props.put(systemProperties[i], systemProperties[i + 1]);
        }
        Configuration c = Configuration.load(null, props, Map.of());
        assertEquals(List.of(), c.problems());
        return new ToolwardenRuntime(c, false);
    }

    private static CallPolicy policy(Duration hard, boolean isolate, int maxConcurrent, String fallback) {
        return new CallPolicy(Duration.ZERO, hard, isolate, null, null, maxConcurrent, fallback);
    }

    private static int register(ToolwardenRuntime r, String name, CallPolicy policy) {
        return r.register(new MethodDescriptor(name, ExecutionKind.TOOL, "com.x.Guarded#" + name + "()", policy));
    }

    private static int registerAsync(ToolwardenRuntime r, String name, CallPolicy policy) {
        return r.register(new MethodDescriptor(name, ExecutionKind.TOOL, "com.x.Guarded#" + name + "()", policy,
                true));
    }

    private static ToolStatistics statistics(ToolwardenRuntime r, String name) {
        return r.statistics(name).orElseThrow(() -> new AssertionError("no aggregate for " + name));
    }

    private static MethodHandle handle(String name, Class<?> returns, Class<?>... parameters) {
        try {
            return MethodHandles.lookup().findStatic(GuardedCallsTest.class, name,
                    MethodType.methodType(returns, parameters));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void awaitTrue(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + millis + " ms: " + what);
            }
            Thread.sleep(5);
        }
    }

    private static <T> T onAnotherThread(Callable<T> task) throws Exception {
        FutureTask<T> f = new FutureTask<>(task);
        Thread t = new Thread(f, "guarded-calls-test-other");
        t.start();
        try {
            return f.get(10, TimeUnit.SECONDS);
        } finally {
            t.join(10_000);
        }
    }

    /** Ends an abandoned spinning body and waits until the pool no longer counts it. */
    private static void stopSpinner(ToolwardenRuntime r, AtomicBoolean stop) throws InterruptedException {
        stop.set(true);
        awaitTrue(() -> r.isolation().abandoned() == 0 && r.isolation().busy() == 0, 5_000,
                "the abandoned body ended: " + r.isolation());
    }

    // ------------------------------------------------------------------ isolation: bodies that end

    /** As woven code passes it: the body handle of a varargs method (the JVM makes a constant handle on one variable-arity). */
    @Test
    void anIsolatedVarargsMethodGetsItsArrayAsItsOneArgument() throws Exception {
        ToolwardenRuntime r = runtime();
        int id = register(r, "isolated.varargs", policy(LONG, true, 0, null));
        MethodHandle joined = MethodHandles.lookup().findStatic(GuardedCallsTest.class, "joined",
                MethodType.methodType(String.class, String[].class));
        assertTrue(joined.isVarargsCollector());
        Object out = r.enterGuarded(id, null, null, new Object[] {new String[] {"a", "b"}}, joined);
        Completion done = assertInstanceOf(Completion.class, out);
        assertNull(done.thrown, () -> String.valueOf(done.thrown));
        assertEquals("a+b", done.value);
        r.exitGuarded(done, null, null, null, null, null);
    }

    static String joined(String... parts) {
        return String.join("+", parts);
    }

    @Test
    void isolatedCallReturnsTheBodysValueFromAWorkerThreadWithTheCallersContextLoader() throws Exception {
        ToolwardenRuntime r = runtime();
        int id = register(r, "isolated.echo", policy(LONG, true, 0, null));
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        AtomicReference<ClassLoader> loaderSeen = new AtomicReference<>();
        ClassLoader callersLoader = new URLClassLoader(new URL[0], getClass().getClassLoader());
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Object out;
        Thread.currentThread().setContextClassLoader(callersLoader);
        try {
            out = r.enterGuarded(id, null, null, new Object[] {"hello", ranOn, loaderSeen}, ECHO);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }

        Completion done = assertInstanceOf(Completion.class, out, "an isolated call is decided on entry");
        assertNull(done.thrown);
        assertFalse(done.fallbackWanted());
        assertEquals("echo:hello", done.value);
        assertSame(done, r.exitGuarded(done, null, null, null, null, null), "exit applies what entry decided");

        Thread worker = ranOn.get();
        assertNotNull(worker);
        assertNotSame(Thread.currentThread(), worker);
        assertTrue(worker.getName().startsWith("toolwarden-isolated-"), worker.getName());
        assertTrue(worker.isDaemon());
        assertSame(callersLoader, loaderSeen.get(), "the body runs with the caller's context class loader");

        ToolStatistics s = statistics(r, "isolated.echo");
        assertEquals(1, s.calls());
        assertEquals(0, s.errors());
        assertEquals(0, s.timeouts());
        if (new ThreadResources(true).measuresCpu()) {
            assertEquals(1, s.cpuMeasuredCalls(), "CPU time measured on the worker");
        }
        if (new ThreadResources(false).allocatedBytes() != ThreadResources.UNKNOWN) {
            assertEquals(1, s.allocationMeasuredCalls(), "allocations measured on the worker");
        }
        assertEquals(0, r.isolation().abandonedTotal());
        assertEquals(0, r.callsInFlight());
    }

    @Test
    void isolatedBodysCheckedExceptionReachesTheCallerUnchanged() {
        ToolwardenRuntime r = runtime();
        int id = register(r, "isolated.failing", policy(LONG, true, 0, null));
        IOException failure = new IOException("disk on fire");

        Completion done = assertInstanceOf(Completion.class,
                r.enterGuarded(id, null, null, new Object[] {failure}, FAIL_CHECKED));

        assertSame(failure, done.thrown);
        assertNull(done.value);
        assertFalse(done.fallbackWanted());
        ToolStatistics s = statistics(r, "isolated.failing");
        assertEquals(1, s.calls());
        assertEquals(1, s.errors());
        assertEquals(0, r.callsInFlight());
    }

    @Test
    void isolatedInstanceMethodGetsItsReceiverPrepended() {
        ToolwardenRuntime r = runtime();
        int id = register(r, "isolated.greet", policy(LONG, true, 0, null));
        Greeter greeter = new Greeter("Ada");

        Completion done = assertInstanceOf(Completion.class,
                r.enterGuarded(id, null, greeter, new Object[] {"Bob"}, GREET));

        assertNull(done.thrown);
        assertEquals("Ada greets Bob", done.value);
    }

    @Test
    void bodysOwnWovenEntryOnTheWorkerRunsInPlaceAndItsNestedCallsKeepTheCallersConversation() {
        ToolwardenRuntime r = runtime();
        int outer = register(r, "isolated.outer", policy(LONG, true, 0, null));
        int inner = r.register(new MethodDescriptor("plain.inner", ExecutionKind.TOOL, "com.x.Inner#m()",
                new CallPolicy(Duration.ZERO, Duration.ZERO, false, null, null, 0, null)));
        AtomicReference<Object> reentry = new AtomicReference<>("not called");

        Completion done = assertInstanceOf(Completion.class,
                r.enterGuarded(outer, "conv-iso", null, new Object[] {r, outer, inner, reentry}, WOVEN_BODY));

        assertNull(done.thrown, () -> String.valueOf(done.thrown));
        assertEquals("body done", done.value);
        assertNull(reentry.get(), "the body's own entry on the worker must run as it is, not be isolated again");
        assertEquals(1, statistics(r, "isolated.outer").calls(), "the isolated call is accounted once");
        assertEquals(1, statistics(r, "plain.inner").calls());
        assertNotNull(r.conversation("conv-iso"));
        assertEquals(2, r.conversation("conv-iso").calls(), "the worker's nested call belongs to the conversation");
        assertEquals(0, r.callsInFlight());
    }

    // ------------------------------------------------------------------ isolation: hard limit and abandoned bodies

    @Test
    void isolatedBodyIgnoringInterruptsIsAbandonedAtTheHardLimit() throws Exception {
        ToolwardenRuntime r = runtime();
        int id = register(r, "isolated.spinner", policy(LIMIT, true, 0, null));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        try {
            long t0 = System.nanoTime();
            Object out = r.enterGuarded(id, null, null, new Object[] {stop, sawInterrupt, started}, SPIN);
            long ms = millisSince(t0);

            Completion done = assertInstanceOf(Completion.class, out);
            ToolTimeoutException timeout = assertInstanceOf(ToolTimeoutException.class, done.thrown);
            assertFalse(done.fallbackWanted());
            assertTrue(ms >= LIMIT_MS && ms < LIMIT_MS + SLACK_MS, "returned after " + ms + " ms");
            assertFalse(Thread.currentThread().isInterrupted(), "the waiting caller itself is never interrupted");
            assertEquals("isolated.spinner", timeout.tool());
            assertEquals(LIMIT, timeout.limit());
            assertTrue(timeout.elapsed().compareTo(LIMIT) >= 0, timeout.elapsed().toString());
            assertTrue(started.await(0, TimeUnit.MILLISECONDS), "the body had started");

            IsolationStatistics iso = r.isolation();
            assertEquals(1, iso.abandoned(), iso.toString());
            assertEquals(1, iso.abandonedTotal(), iso.toString());
            assertEquals(1, iso.busy(), iso.toString());
            awaitTrue(sawInterrupt::get, SLACK_MS, "the abandoned body was interrupted");
            Thread.sleep(100);
            assertFalse(stop.get());
            assertEquals(1, r.isolation().abandoned(), "still abandoned while it spins: " + r.isolation());

            ToolStatistics s = statistics(r, "isolated.spinner");
            assertEquals(1, s.calls());
            assertEquals(1, s.timeouts());
            assertEquals(0, s.errors());
            assertEquals(0, s.cpuMeasuredCalls(), "unknown for an abandoned body");
            assertEquals(0, s.allocationMeasuredCalls(), "unknown for an abandoned body");
            assertTrue(log().contains("on thread toolwarden-isolated-"), "reported with the worker: " + log());
        } finally {
            stopSpinner(r, stop);
        }
        IsolationStatistics after = r.isolation();
        assertEquals(0, after.abandoned(), after.toString());
        assertEquals(1, after.abandonedTotal(), after.toString());
        assertEquals(0, after.rejected(), after.toString());
        assertEquals(1, statistics(r, "isolated.spinner").calls(), "the abandoned body's end is not a second call");
        assertEquals(0, r.callsInFlight());
    }

    @Test
    void isolatedTimeoutWithAFallbackIsAnsweredByTheFallback() throws Exception {
        ToolwardenRuntime r = runtime();
        int id = register(r, "isolated.spinner.fb", policy(LIMIT, true, 0, "cached"));
        AtomicBoolean stop = new AtomicBoolean();
        Object[] args = {stop, new AtomicBoolean(), new CountDownLatch(1)};
        try {
            Completion pending = assertInstanceOf(Completion.class, r.enterGuarded(id, null, null, args, SPIN));
            assertTrue(pending.fallbackWanted());
            assertInstanceOf(ToolTimeoutException.class, pending.fallbackReason());
            assertSame(pending, r.exitGuarded(pending, null, null, null, null, null));

            Completion answered = r.fallback(pending, null, args, SPIN_FALLBACK);

            assertNull(answered.thrown);
            assertFalse(answered.fallbackWanted());
            assertEquals("spin fallback after ToolTimeoutException", answered.value);
            ToolStatistics s = statistics(r, "isolated.spinner.fb");
            assertEquals(1, s.calls());
            assertEquals(1, s.fallbacks());
            assertEquals(1, s.timeouts());
            assertEquals(1, r.isolation().abandoned(), "the body still spins: " + r.isolation());
        } finally {
            stopSpinner(r, stop);
        }
        assertEquals(0, r.callsInFlight());
    }

    @Test
    void isolatedCallIsRejectedAtOnceWhileTheOnlyWorkerRunsAnAbandonedBody() throws Exception {
        ToolwardenRuntime r = runtime("toolwarden.isolation.threads", "1");
        int spinner = register(r, "isolated.stuck", policy(LIMIT, true, 0, null));
        int quick = register(r, "isolated.quick", policy(LONG, true, 0, null));
        assertEquals(new IsolationStatistics(1, 0, 0, 0, 0, 0), r.isolation(), "nothing isolated yet");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Thread> quickRanOn = new AtomicReference<>();
        try {
            Completion first = assertInstanceOf(Completion.class,
                    r.enterGuarded(spinner, null, null, new Object[] {stop, new AtomicBoolean(), new CountDownLatch(1)},
                            SPIN));
            assertInstanceOf(ToolTimeoutException.class, first.thrown);
            assertEquals(1, r.isolation().abandoned());

            long t0 = System.nanoTime();
            Object out = r.enterGuarded(quick, null, null, new Object[] {"x", quickRanOn, new AtomicReference<>()},
                    ECHO);
            long ms = millisSince(t0);

            Completion second = assertInstanceOf(Completion.class, out);
            ResourceExhaustedException rejected = assertInstanceOf(ResourceExhaustedException.class, second.thrown);
            assertFalse(second.fallbackWanted());
            assertEquals("ISOLATION", rejected.resource());
            assertEquals("isolated.quick", rejected.tool());
            assertTrue(ms < LIMIT_MS + SLACK_MS, "rejected after " + ms + " ms");
            assertNull(quickRanOn.get(), "a rejected body never runs");

            IsolationStatistics iso = r.isolation();
            assertEquals(1, iso.maxThreads());
            assertEquals(1, iso.threads(), iso.toString());
            assertEquals(1, iso.rejected(), iso.toString());
            assertEquals(1, iso.abandoned(), iso.toString());
            ToolStatistics s = statistics(r, "isolated.quick");
            assertEquals(1, s.calls());
            assertEquals(1, s.rejected());
        } finally {
            stopSpinner(r, stop);
        }

        // Once the abandoned body ended, the worker takes calls again. Between the body's end and the
        // worker's next wait for work there is a short window in which a hand-over still fails, hence the retries.
        Completion later = null;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SLACK_MS);
        do {
            later = (Completion) r.enterGuarded(quick, null, null,
                    new Object[] {"y", quickRanOn, new AtomicReference<>()}, ECHO);
            if (later.thrown == null) {
                break;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < until);
        Completion admitted = later;
        assertNull(admitted.thrown, () -> "still rejected: " + admitted.thrown + " " + r.isolation());
        assertEquals("echo:y", admitted.value);
        assertEquals(0, r.callsInFlight());
    }

    @Test
    void callersInterruptDuringAnIsolatedWaitReachesTheBodyAndStaysWithTheCaller() throws Exception {
        ToolwardenRuntime r = runtime();
        int id = register(r, "isolated.sleeper", policy(Duration.ofSeconds(20), true, 0, null));
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<InterruptedException> bodySaw = new AtomicReference<>();
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                if (started.await(10, TimeUnit.SECONDS)) {
                    caller.interrupt();
                }
            } catch (InterruptedException e) {
                // the test fails below: the body never saw an interrupt
            }
        }, "guarded-calls-test-interrupter");
        interrupter.start();

        Object out;
        boolean callerStillInterrupted;
        long t0 = System.nanoTime();
        try {
            out = r.enterGuarded(id, null, null, new Object[] {started, bodySaw}, SLEEP);
        } finally {
            callerStillInterrupted = Thread.interrupted(); // clears it, for the rest of the test
            interrupter.join(10_000);
        }
        long ms = millisSince(t0);

        Completion done = assertInstanceOf(Completion.class, out);
        assertNull(done.thrown);
        assertEquals("interrupted", done.value);
        assertNotNull(bodySaw.get(), "the body got the InterruptedException");
        assertTrue(callerStillInterrupted, "the caller keeps its interrupt");
        assertTrue(ms < 10_000, "ended by the interrupt, not by the hard limit: " + ms + " ms");
        assertEquals(0, statistics(r, "isolated.sleeper").timeouts());

        // The worker's interrupt does not leak into the next body it runs.
        Completion next = assertInstanceOf(Completion.class,
                r.enterGuarded(register(r, "isolated.probe", policy(LONG, true, 0, null)), null, null, new Object[0],
                        INTERRUPTED_AT_START));
        assertEquals(Boolean.FALSE, next.value, "the next body starts on a worker that is not interrupted");
        assertFalse(Thread.currentThread().isInterrupted());
        assertEquals(0, r.callsInFlight());
    }

    // ------------------------------------------------------------------ isolated calls, driven directly

    @Test
    void callersInterruptBeforeTheWorkerStartedIsDeliveredWhenTheBodyStarts() throws Exception {
        IsolationPool pool = new IsolationPool(1, new ThreadResources(false));
        IsolatedCall call = new IsolatedCall(pool, 0, INTERRUPTED_AT_START, null, new Object[0], null, false);
        boolean endedInTime;
        boolean callerStillInterrupted;
        Thread.currentThread().interrupt();
        try {
            endedInTime = call.await(true, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
        } finally {
            callerStillInterrupted = Thread.interrupted();
        }
        assertFalse(endedInTime, "no worker ran it yet");
        assertTrue(callerStillInterrupted);
        assertNull(call.runner());

        Thread worker = new Thread(call, "guarded-calls-test-worker");
        worker.start();
        worker.join(5_000);

        assertTrue(call.await(true, System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
        assertNull(call.thrown);
        assertEquals(Boolean.TRUE, call.value, "the body started interrupted");
        assertFalse(call.abandon(), "a body that ended cannot be abandoned");
        IsolationStatistics s = pool.statistics();
        assertEquals(0, s.busy());
        assertEquals(0, s.abandonedTotal());
    }

    @Test
    void bodyAbandonedBeforeItsWorkerStartedNeverRuns() throws Exception {
        IsolationPool pool = new IsolationPool(1, new ThreadResources(false));
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        IsolatedCall call = new IsolatedCall(pool, 0, ECHO, null, new Object[] {"x", ranOn, new AtomicReference<>()},
                null, false);

        assertTrue(call.abandon());
        assertFalse(call.abandon(), "abandoned once");
        assertEquals(1, pool.statistics().abandoned());

        Thread worker = new Thread(call, "guarded-calls-test-worker");
        worker.start();
        worker.join(5_000);

        assertNull(ranOn.get());
        IsolationStatistics s = pool.statistics();
        assertEquals(0, s.abandoned(), s.toString());
        assertEquals(1, s.abandonedTotal(), s.toString());
        assertEquals(0, s.busy(), s.toString());
    }

    // ------------------------------------------------------------------ concurrency bound

    @Test
    void callsBeyondMaxConcurrentAreRejectedUntilThePlaceIsGivenBack() throws Exception {
        ToolwardenRuntime r = runtime();
        int id = register(r, "bounded", policy(LONG, false, 1, null));

        Object first = r.enterGuarded(id, null, null, null, null);
        assertNotNull(first);
        assertFalse(first instanceof Completion, "the first call is admitted and runs in place");
        assertEquals(1, r.callsInFlight());

        Completion nested = assertInstanceOf(Completion.class, r.enterGuarded(id, null, null, null, null));
        ResourceExhaustedException e = assertInstanceOf(ResourceExhaustedException.class, nested.thrown);
        assertEquals("CONCURRENCY", e.resource());
        assertEquals("bounded", e.tool());
        assertFalse(nested.fallbackWanted());
        assertSame(nested, r.exitGuarded(nested, null, null, null, null, null));

        Object fromOther = onAnotherThread(() -> r.enterGuarded(id, null, null, null, null));
        Completion other = assertInstanceOf(Completion.class, fromOther);
        assertEquals("CONCURRENCY", assertInstanceOf(ResourceExhaustedException.class, other.thrown).resource());

        assertNull(r.exitGuarded(first, null, null, null, null, null), "a call that ends by itself keeps its result");
        assertEquals(0, r.callsInFlight());

        Object again = onAnotherThread(() -> {
            Object c = r.enterGuarded(id, null, null, null, null);
            Completion end = r.exitGuarded(c, null, null, null, null, null);
            return c instanceof Completion ? c : end == null ? "admitted" : end;
        });
        assertEquals("admitted", again);

        ToolStatistics s = statistics(r, "bounded");
        assertEquals(4, s.calls());
        assertEquals(2, s.rejected());
        assertEquals(0, s.errors());
        assertEquals(0, s.fallbacks());
        assertEquals(0, r.callsInFlight());
    }

    @Test
    void boundedCallThatThrowsGivesItsPlaceBack() {
        ToolwardenRuntime r = runtime();
        int id = register(r, "bounded.failing", policy(LONG, false, 1, null));
        Object first = r.enterGuarded(id, null, null, null, null);
        assertNull(r.exitGuarded(first, null, new IllegalStateException("body"), null, null, null),
                "the body's own exception is left as it is");
        Object second = r.enterGuarded(id, null, null, null, null);
        assertFalse(second instanceof Completion, "admitted after the failed call");
        r.exitGuarded(second, null, null, null, null, null);
        ToolStatistics s = statistics(r, "bounded.failing");
        assertEquals(2, s.calls());
        assertEquals(1, s.errors());
        assertEquals(0, s.rejected());
    }

    // ------------------------------------------------------------------ fallbacks

    @Test
    void rejectedCallWithAFallbackIsAnsweredByIt() {
        ToolwardenRuntime r = runtime();
        int id = register(r, "bounded.withFallback", policy(LONG, false, 1, "cached"));
        Object first = r.enterGuarded(id, null, null, null, null);
        assertFalse(first instanceof Completion);
        try {
            AtomicReference<Throwable> reason = new AtomicReference<>();
            Object[] args = {"weather", reason};
            Completion pending = assertInstanceOf(Completion.class, r.enterGuarded(id, null, null, null, null));
            assertTrue(pending.fallbackWanted());
            ResourceExhaustedException e = assertInstanceOf(ResourceExhaustedException.class,
                    pending.fallbackReason());
            assertEquals("CONCURRENCY", e.resource());
            assertSame(e, pending.thrown, "without a fallback call, the caller would get the reason");
            assertSame(pending, r.exitGuarded(pending, null, null, null, args, FALLBACK_WITH_REASON));

            Completion answered = r.fallback(pending, null, args, FALLBACK_WITH_REASON);
            assertFalse(answered.fallbackWanted());
            assertNull(answered.thrown);
            assertEquals("fallback for weather", answered.value);
            assertSame(e, reason.get(), "the fallback got the ResourceExhaustedException");

            // A fallback that throws: the caller gets that exception.
            IllegalStateException failure = new IllegalStateException("no cached answer");
            Completion pending2 = assertInstanceOf(Completion.class, r.enterGuarded(id, null, null, null, null));
            assertTrue(pending2.fallbackWanted());
            Completion thrown = r.fallback(pending2, null, new Object[] {"news", new AtomicReference<>(failure)},
                    THROWING_FALLBACK);
            assertSame(failure, thrown.thrown);
            assertFalse(thrown.fallbackWanted());
        } finally {
            r.exitGuarded(first, null, null, null, null, null);
        }
        ToolStatistics s = statistics(r, "bounded.withFallback");
        assertEquals(3, s.calls());
        assertEquals(2, s.fallbacks());
        assertEquals(2, s.rejected());
        assertEquals(0, s.timeouts());
        assertEquals(0, r.callsInFlight());
        assertEquals(0, r.internalErrors());
    }

    @Test
    void instanceFallbackGetsTheReceiverAndTheReason() {
        ToolwardenRuntime r = runtime();
        int id = register(r, "bounded.instance", policy(LONG, false, 1, "greetLater"));
        Object first = r.enterGuarded(id, null, null, null, null);
        try {
            Completion pending = assertInstanceOf(Completion.class, r.enterGuarded(id, null, null, null, null));
            Completion answered = r.fallback(pending, new Greeter("Ada"), new Object[] {"Bob"}, INSTANCE_FALLBACK);
            assertNull(answered.thrown);
            assertEquals("Ada greets Bob later (ResourceExhaustedException)", answered.value);
        } finally {
            r.exitGuarded(first, null, null, null, null, null);
        }
        assertEquals(1, statistics(r, "bounded.instance").fallbacks());
    }

    @Test
    void withoutAFallbackHandleTheCallerGetsTheReasonAndNoFallbackIsCounted() {
        ToolwardenRuntime r = runtime();
        int id = register(r, "bounded.unwoven", policy(LONG, false, 1, "missing"));
        Object first = r.enterGuarded(id, null, null, null, null);
        try {
            Completion pending = assertInstanceOf(Completion.class, r.enterGuarded(id, null, null, null, null));
            Completion out = r.fallback(pending, null, new Object[0], null);
            assertSame(pending.fallbackReason(), out.thrown);
            assertFalse(out.fallbackWanted());
        } finally {
            r.exitGuarded(first, null, null, null, null, null);
        }
        ToolStatistics s = statistics(r, "bounded.unwoven");
        assertEquals(2, s.calls());
        assertEquals(1, s.rejected());
        assertEquals(0, s.fallbacks());
        assertEquals(0, r.callsInFlight());
    }

    @Test
    void inPlaceCallPastItsHardLimitWantsItsFallbackAndHasItsInterruptCleared() throws Exception {
        ToolwardenRuntime r = runtime();
        int id = register(r, "inplace.sleeper", policy(LIMIT, false, 0, "cached"));
        AtomicReference<Throwable> reason = new AtomicReference<>();
        Object[] args = {"slow", reason};

        long t0 = System.nanoTime();
        Object context = r.enterGuarded(id, null, null, null, null);
        assertFalse(context instanceof Completion);
        InterruptedException interrupted = null;
        try {
            Thread.sleep(LIMIT_MS + SLACK_MS + 3_000);
        } catch (InterruptedException e) {
            interrupted = e;
        }
        long ms = millisSince(t0);
        assertNotNull(interrupted, "the watchdog interrupts the call at its hard limit");
        assertTrue(ms >= LIMIT_MS && ms < LIMIT_MS + SLACK_MS, "interrupted after " + ms + " ms");

        Completion pending = r.exitGuarded(context, null, interrupted, null, args, FALLBACK_WITH_REASON);
        assertNotNull(pending);
        assertFalse(Thread.currentThread().isInterrupted(), "Toolwarden's interrupt is cleared on exit");
        assertTrue(pending.fallbackWanted());
        ToolTimeoutException timeout = assertInstanceOf(ToolTimeoutException.class, pending.fallbackReason());
        assertSame(interrupted, timeout.getCause());

        Completion answered = r.fallback(pending, null, args, FALLBACK_WITH_REASON);
        assertEquals("fallback for slow", answered.value);
        assertSame(timeout, reason.get());
        // Reported by the watchdog, on its own thread, just after it interrupted the call.
        String reported = "inplace.sleeper passed its hard limit of 200ms on thread "
                + Thread.currentThread().getName();
        awaitTrue(() -> log().contains(reported), SLACK_MS, "the hard limit is logged: " + log());
        ToolStatistics s = statistics(r, "inplace.sleeper");
        assertEquals(1, s.calls());
        assertEquals(1, s.fallbacks());
        assertEquals(1, s.timeouts());
        assertEquals(0, r.callsInFlight());
    }

    /**
     * Tool A (hard limit 600 ms) calls tool B (200 ms), whose body ignores the interrupt and runs past
     * A's limit too. While B runs, the thread's interrupt is B's, set by the watchdog: A must not be
     * taken for a call the application interrupted. Once B has ended (and its interrupt is cleared),
     * A, going on after catching B's timeout, is interrupted at once.
     */
    @Test
    void anOuterCallPastItsHardLimitIsInterruptedOnceTheInterruptedInnerCallHasEnded() throws Exception {
        ToolwardenRuntime r = runtime();
        int outer = register(r, "nested.outer", policy(Duration.ofMillis(3 * LIMIT_MS), false, 0, null));
        int inner = register(r, "nested.inner", policy(LIMIT, false, 0, null));
        long t0 = System.nanoTime();
        Object outerContext = r.enterGuarded(outer, null, null, null, null);
        Object innerContext = r.enterGuarded(inner, null, null, null, null);
        while (millisSince(t0) < 5 * LIMIT_MS) {
            Thread.onSpinWait(); // B's body, deaf to interrupts, past A's limit as well
        }
        assertTrue(Thread.currentThread().isInterrupted(), "B was interrupted at its limit");
        Completion innerDone = r.exitGuarded(innerContext, null, null, null, null, null);
        assertInstanceOf(ToolTimeoutException.class, innerDone.thrown);
        // B's interrupt is cleared at its exit; A's may already be set again: A is past its limit.

        InterruptedException interrupted = null;
        long t1 = System.nanoTime();
        try {
            Thread.sleep(SLACK_MS + 3_000); // A goes on after B's timeout
        } catch (InterruptedException e) {
            interrupted = e;
        }
        long ms = millisSince(t1);
        assertNotNull(interrupted, "A, past its hard limit, is interrupted once B has ended");
        assertTrue(ms < SLACK_MS, "interrupted " + ms + " ms after B ended");
        Completion outerDone = r.exitGuarded(outerContext, null, interrupted, null, null, null);
        assertInstanceOf(ToolTimeoutException.class, outerDone.thrown);
        assertFalse(Thread.currentThread().isInterrupted());
        assertEquals(1, statistics(r, "nested.outer").timeouts());
        assertEquals(1, statistics(r, "nested.inner").timeouts());
        assertEquals(0, r.callsInFlight());
    }

    @Test
    void inPlaceCallPastItsHardLimitWithoutAFallbackEndsWithToolTimeoutException() throws Exception {
        ToolwardenRuntime r = runtime();
        int id = register(r, "inplace.plain", policy(LIMIT, false, 0, null));
        Object context = r.enterGuarded(id, null, null, null, null);
        InterruptedException interrupted = null;
        try {
            Thread.sleep(LIMIT_MS + SLACK_MS + 3_000);
        } catch (InterruptedException e) {
            interrupted = e;
        }
        assertNotNull(interrupted, "the watchdog interrupts the call at its hard limit");

        Completion done = r.exitGuarded(context, null, interrupted, null, null, null);

        assertNotNull(done);
        assertFalse(done.fallbackWanted());
        ToolTimeoutException timeout = assertInstanceOf(ToolTimeoutException.class, done.thrown);
        assertSame(interrupted, timeout.getCause());
        assertFalse(Thread.currentThread().isInterrupted(), "Toolwarden's interrupt is cleared on exit");
        // Reported by the watchdog, on its own thread, just after it interrupted the call.
        String reported = "inplace.plain passed its hard limit of 200ms on thread "
                + Thread.currentThread().getName();
        awaitTrue(() -> log().contains(reported), SLACK_MS, "the hard limit is logged: " + log());
        ToolStatistics s = statistics(r, "inplace.plain");
        assertEquals(1, s.calls());
        assertEquals(1, s.timeouts());
        assertEquals(0, s.errors());
        assertEquals(0, r.callsInFlight());
    }

    // ------------------------------------------------------------------ internal failures

    /**
     * A worker that cannot be started (the JVM is out of native threads) is Toolwarden's failure:
     * the call must go on as if Toolwarden were not there, which includes not keeping the call's
     * frame on the caller's stack nor its place under the concurrency bound.
     */
    @Test
    void failureToStartAnIsolationWorkerLeavesNoFrameAndNoConcurrencyPlaceBehind() throws Exception {
        ToolwardenRuntime r = runtime();
        int id = register(r, "isolated.bounded", policy(LONG, true, 1, null));
        IsolationPool pool = new IsolationPool(4, new ThreadResources(false));
        java.lang.reflect.Field isolation = ToolwardenRuntime.class.getDeclaredField("isolation");
        isolation.setAccessible(true);
        isolation.set(r, pool);
        java.lang.reflect.Field executorField = IsolationPool.class.getDeclaredField("executor");
        executorField.setAccessible(true);
        java.util.concurrent.ThreadPoolExecutor executor =
                (java.util.concurrent.ThreadPoolExecutor) executorField.get(pool);
        java.util.concurrent.ThreadFactory working = executor.getThreadFactory();
        CallStack stack = ToolwardenRuntime.stack();
        int depthBefore = stack.depthForWatchdog();
        Object[] args = {"x", new AtomicReference<Thread>(), new AtomicReference<ClassLoader>()};

        executor.setThreadFactory(task -> {
            throw new OutOfMemoryError("unable to create native thread: possibly out of memory (test)");
        });
        Object out;
        try {
            out = r.enterGuarded(id, null, null, args, ECHO);
        } finally {
            executor.setThreadFactory(working);
        }
        int depthWhileRunning = stack.depthForWatchdog();
        // The woven code now runs the body in place, and exits with what entry returned.
        Completion afterFailure = r.exitGuarded(out, null, null, null, args, null);
        int depthAfter = stack.depthForWatchdog();
        // The next call of the tool, with workers that start again.
        Completion next = assertInstanceOf(Completion.class, r.enterGuarded(id, null, null, args, ECHO));
        if (depthAfter > depthBefore) {
            stack.framesForWatchdog()[depthBefore].release(); // keeps the later tests on this thread clean
        }

        assertInstanceOf(ExecutionContext.class, out,
                "Toolwarden's own failure lets the body run in place, accounted, holding its place meanwhile");
        assertEquals(depthBefore + 1, depthWhileRunning);
        assertNull(afterFailure);
        assertEquals(1, r.internalErrors());
        assertAll(
                () -> assertNull(next.thrown, () -> "the failed call never gave its concurrency place back: "
                        + next.thrown),
                () -> assertEquals(depthBefore, depthAfter, "the failed call's frame was left on the caller's stack"));
        assertEquals("echo:x", next.value);
    }

    // ------------------------------------------------------------------ asynchronous calls

    @Test
    void asynchronousCallEndsWhenItsStageCompletes() {
        ToolwardenRuntime r = runtime();
        int id = registerAsync(r, "async.fetch", policy(LONG, false, 0, null));
        CompletableFuture<String> source = new CompletableFuture<>();

        Object context = r.enterGuarded(id, null, null, null, null);
        assertFalse(context instanceof Completion);
        Completion done = r.exitGuarded(context, source, null, null, null, null);

        assertNotNull(done);
        assertNull(done.thrown);
        CompletableFuture<?> callers = assertInstanceOf(CompletableFuture.class, done.value);
        assertNotSame(source, callers);
        assertFalse(callers.isDone());
        assertEquals(0, statistics(r, "async.fetch").calls(), "not recorded before its stage completed");
        assertEquals(1, r.callsInFlight(), "a pending stage is a call in flight");

        source.complete("payload");

        assertTrue(callers.isDone());
        assertEquals("payload", callers.join());
        assertEquals(1, statistics(r, "async.fetch").calls());
        assertEquals(0, statistics(r, "async.fetch").errors());
        assertEquals(0, r.callsInFlight());

        // A stage that fails: the caller's stage fails with the same exception, counted as an error.
        CompletableFuture<String> failing = new CompletableFuture<>();
        Completion done2 = r.exitGuarded(r.enterGuarded(id, null, null, null, null), failing, null, null, null, null);
        CompletableFuture<?> callers2 = assertInstanceOf(CompletableFuture.class, done2.value);
        IllegalStateException failure = new IllegalStateException("backend down");
        failing.completeExceptionally(failure);
        ExecutionException ee = assertThrows(ExecutionException.class, () -> callers2.get(5, TimeUnit.SECONDS));
        assertSame(failure, ee.getCause());
        assertEquals(2, statistics(r, "async.fetch").calls());
        assertEquals(1, statistics(r, "async.fetch").errors());
        assertEquals(0, r.callsInFlight());
    }

    @Test
    void asynchronousCallPastItsHardLimitTimesOutAndCancelsTheSource() throws Exception {
        ToolwardenRuntime r = runtime();
        int id = registerAsync(r, "async.never", policy(LIMIT, false, 0, null));
        CompletableFuture<String> source = new CompletableFuture<>();

        long t0 = System.nanoTime();
        Completion done = r.exitGuarded(r.enterGuarded(id, null, null, null, null), source, null, null, null, null);
        CompletableFuture<?> callers = assertInstanceOf(CompletableFuture.class, done.value);

        ExecutionException ee = assertThrows(ExecutionException.class,
                () -> callers.get(LIMIT_MS + SLACK_MS, TimeUnit.MILLISECONDS));
        long ms = millisSince(t0);
        ToolTimeoutException timeout = assertInstanceOf(ToolTimeoutException.class, ee.getCause());
        assertEquals("async.never", timeout.tool());
        assertEquals(LIMIT, timeout.limit());
        assertTrue(ms >= LIMIT_MS, "timed out after " + ms + " ms");
        assertTrue(source.isCancelled(), "the body's stage is cancelled");

        ToolStatistics s = statistics(r, "async.never");
        assertEquals(1, s.calls());
        assertEquals(1, s.timeouts());
        assertEquals(0, s.errors());
        assertEquals(0, r.callsInFlight());
    }

    /** A stage Toolwarden cannot watch (its callbacks refused): the caller gets it as it is, and it is never timed out. */
    @Test
    void anAsynchronousCallThatCannotBeWatchedIsLeftAsItIsAndNeverCancelled() throws Exception {
        ToolwardenRuntime r = runtime();
        int id = registerAsync(r, "async.unwatchable", policy(LIMIT, false, 0, null));
        CompletableFuture<String> source = new CompletableFuture<>() {
            @Override
            public CompletableFuture<String> whenComplete(
                    java.util.function.BiConsumer<? super String, ? super Throwable> action) {
                throw new UnsupportedOperationException("no callbacks on this stage");
            }
        };
        Completion done = r.exitGuarded(r.enterGuarded(id, null, null, null, null), source, null, null, null, null);
        assertTrue(done == null || done.value == source, "the body's own stage, as it is: " + done);
        // A watched call of the same limit, made after it: once the watchdog has timed that one out, it has
        // passed the unwatched one's deadline too (it checks every asynchronous call it holds on each scan).
        CompletableFuture<String> watched = new CompletableFuture<>();
        Completion later = r.exitGuarded(r.enterGuarded(id, null, null, null, null), watched, null, null, null, null);
        CompletableFuture<?> laterCallers = assertInstanceOf(CompletableFuture.class, later.value);
        assertThrows(ExecutionException.class, () -> laterCallers.get(LIMIT_MS + SLACK_MS, TimeUnit.MILLISECONDS));
        assertTrue(watched.isCancelled(), "the watched call timed out");
        assertFalse(source.isCancelled(), "the watchdog does not time out a call it was never given");
        assertEquals(0, r.callsInFlight());
        source.complete("late but fine");
        assertEquals("late but fine", source.join());
    }

    @Test
    void asynchronousTimeoutWithAFallbackCompletesWithTheFallbacksStage() throws Exception {
        ToolwardenRuntime r = runtime();
        int id = registerAsync(r, "async.never.fb", policy(LIMIT, false, 0, "cached"));
        CompletableFuture<String> source = new CompletableFuture<>();
        AtomicReference<Throwable> reason = new AtomicReference<>();
        Object[] args = {"quote", reason};

        Completion done = r.exitGuarded(r.enterGuarded(id, null, null, null, null), source, null, null, args,
                STAGE_FALLBACK);
        CompletableFuture<?> callers = assertInstanceOf(CompletableFuture.class, done.value);

        assertEquals("staged fallback for quote", callers.get(LIMIT_MS + SLACK_MS, TimeUnit.MILLISECONDS));
        assertInstanceOf(ToolTimeoutException.class, reason.get());
        assertTrue(source.isCancelled());
        ToolStatistics s = statistics(r, "async.never.fb");
        assertEquals(1, s.calls());
        assertEquals(1, s.fallbacks());
        assertEquals(1, s.timeouts());
        assertEquals(0, r.callsInFlight());
    }

    @Test
    void cancellingTheCallersStageCancelsTheSource() {
        ToolwardenRuntime r = runtime();
        int id = registerAsync(r, "async.cancelled", policy(LONG, false, 0, null));
        CompletableFuture<String> source = new CompletableFuture<>();
        Completion done = r.exitGuarded(r.enterGuarded(id, null, null, null, null), source, null, null, null, null);
        CompletableFuture<?> callers = assertInstanceOf(CompletableFuture.class, done.value);

        assertTrue(callers.cancel(true));

        assertTrue(source.isCancelled(), "the body's stage is cancelled with the caller's");
        assertThrows(CancellationException.class, callers::join);
        assertEquals(1, statistics(r, "async.cancelled").calls());
        assertEquals(0, r.callsInFlight());
        source.complete("late"); // no effect, and no second record
        assertEquals(1, statistics(r, "async.cancelled").calls());
    }

    @Test
    void asynchronousCallHoldsItsConcurrencyPlaceUntilItsStageCompletes() throws Exception {
        ToolwardenRuntime r = runtime();
        int id = registerAsync(r, "async.bounded", policy(LONG, false, 1, null));
        CompletableFuture<String> source = new CompletableFuture<>();
        Completion done = r.exitGuarded(r.enterGuarded(id, null, null, null, null), source, null, null, null, null);
        assertInstanceOf(CompletableFuture.class, done.value);

        Completion rejected = assertInstanceOf(Completion.class, onAnotherThread(
                () -> r.enterGuarded(id, null, null, null, null)));
        assertEquals("CONCURRENCY",
                assertInstanceOf(ResourceExhaustedException.class, rejected.thrown).resource());

        source.complete("ok");

        Object admitted = r.enterGuarded(id, null, null, null, null);
        assertFalse(admitted instanceof Completion, "admitted once the stage completed");
        Completion second = r.exitGuarded(admitted, CompletableFuture.completedFuture("now"), null, null, null, null);
        assertEquals("now", ((CompletableFuture<?>) second.value).join());
        ToolStatistics s = statistics(r, "async.bounded");
        assertEquals(3, s.calls());
        assertEquals(1, s.rejected());
        assertEquals(0, r.callsInFlight());
    }

    // ------------------------------------------------------------------ the small types

    @Test
    void completionFactoriesSayWhatTheCallerGets() {
        Object pending = new Object();
        RuntimeException reason = new RuntimeException("reason");

        Completion returning = Completion.returning("v");
        assertEquals("v", returning.value);
        assertNull(returning.thrown);
        assertFalse(returning.fallbackWanted());
        assertNull(returning.fallbackReason());
        assertNull(returning.pending());

        Completion throwing = Completion.throwing(reason);
        assertNull(throwing.value);
        assertSame(reason, throwing.thrown);
        assertFalse(throwing.fallbackWanted());
        assertNull(throwing.pending());

        Completion fallback = Completion.fallback(reason, pending);
        assertTrue(fallback.fallbackWanted());
        assertSame(reason, fallback.fallbackReason());
        assertSame(reason, fallback.thrown);
        assertSame(pending, fallback.pending());

        int[] flags = {Completion.ARGUMENTS_ON_ENTRY, Completion.RESULT_ON_EXIT, Completion.ARGUMENTS_ON_EXIT,
            Completion.STATIC_FALLBACK};
        int all = 0;
        for (int f : flags) {
            assertEquals(1, Integer.bitCount(f), "a single bit: " + f);
            assertEquals(0, all & f, "distinct: " + f);
            all |= f;
        }
    }

    @Test
    void wovenMethodTakesItsSettingsFromThePolicy() {
        MethodDescriptor d = new MethodDescriptor("w", ExecutionKind.TOOL, "com.x.W#w()",
                new CallPolicy(Duration.ofMillis(5), Duration.ofMillis(7), true, null, null, 2, "fb"), true);
        WovenMethod m = new WovenMethod(null, d, new ToolAggregate("w", ExecutionKind.TOOL), 0);
        assertEquals(5_000_000L, m.softNanos);
        assertEquals(7_000_000L, m.hardNanos);
        assertTrue(m.isolate);
        assertTrue(m.hasFallback);
        assertTrue(m.asynchronous);
        assertEquals(2, m.maxConcurrent);
        assertTrue(m.tryEnter());
        assertTrue(m.tryEnter());
        assertFalse(m.tryEnter(), "the bound is 2");
        m.leave();
        assertTrue(m.tryEnter(), "a place given back is taken again");
        assertEquals(2, m.running.get());

        WovenMethod plain = new WovenMethod(null, new MethodDescriptor("p", ExecutionKind.TOOL, "com.x.P#p()",
                new CallPolicy(null, null, false, null, null, 0, null)), new ToolAggregate("p", ExecutionKind.TOOL), 0);
        assertEquals(0, plain.softNanos);
        assertEquals(0, plain.hardNanos);
        assertFalse(plain.isolate);
        assertFalse(plain.hasFallback);
        assertFalse(plain.asynchronous, "the four-argument descriptor is synchronous");
        assertNull(plain.running, "no counter without a bound");
    }

    @Test
    void methodDescriptorRequiresItsComponentsAndRegistersOnce() {
        CallPolicy p = policy(LONG, false, 0, null);
        assertThrows(NullPointerException.class, () -> new MethodDescriptor(null, ExecutionKind.TOOL, "m", p));
        assertThrows(NullPointerException.class, () -> new MethodDescriptor("n", null, "m", p));
        assertThrows(NullPointerException.class, () -> new MethodDescriptor("n", ExecutionKind.TOOL, null, p));
        assertThrows(NullPointerException.class, () -> new MethodDescriptor("n", ExecutionKind.TOOL, "m", null));

        ToolwardenRuntime r = runtime();
        int a = register(r, "same", p);
        assertEquals(a, register(r, "same", p), "the same method woven again keeps its id");
        assertFalse(a == registerAsync(r, "same", p), "an asynchronous descriptor is another method");
        assertNull(r.enterGuarded(9_999, null, null, null, null), "an unknown id is not accounted");
        assertNull(r.exitGuarded(null, null, null, null, null, null));
        assertEquals(new IsolationStatistics(64, 0, 0, 0, 0, 0), r.isolation(), "the default bound, no pool yet");
    }

    // ------------------------------------------------------------------ bodies and fallbacks

    static final class Greeter {
        private final String name;

        Greeter(String name) {
            this.name = name;
        }

        String greet(String other) {
            return name + " greets " + other;
        }

        String greetLater(String other, Throwable reason) {
            return name + " greets " + other + " later (" + reason.getClass().getSimpleName() + ")";
        }
    }

    private static String echo(String text, AtomicReference<Thread> ranOn, AtomicReference<ClassLoader> loader) {
        ranOn.set(Thread.currentThread());
        loader.set(Thread.currentThread().getContextClassLoader());
        return "echo:" + text;
    }

    private static String failChecked(IOException failure) throws IOException {
        throw failure;
    }

    /** Ignores interrupts (but notes them) until told to stop. */
    private static String spin(AtomicBoolean stop, AtomicBoolean sawInterrupt, CountDownLatch started) {
        started.countDown();
        while (!stop.get()) {
            if (Thread.currentThread().isInterrupted()) {
                sawInterrupt.set(true);
                Thread.yield();
            } else {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            }
        }
        return "stopped";
    }

    private static String spinFallback(AtomicBoolean stop, AtomicBoolean sawInterrupt, CountDownLatch started,
            Throwable reason) {
        return "spin fallback after " + reason.getClass().getSimpleName();
    }

    private static String sleepUntilInterrupted(CountDownLatch started, AtomicReference<InterruptedException> saw) {
        started.countDown();
        try {
            Thread.sleep(20_000);
            return "slept";
        } catch (InterruptedException e) {
            saw.set(e);
            return "interrupted";
        }
    }

    private static Boolean interruptedAtStart() {
        return Thread.currentThread().isInterrupted();
    }

    /** As a woven body does: its own entry comes first, then its work, here a nested woven call. */
    private static String wovenBody(ToolwardenRuntime r, int self, int inner, AtomicReference<Object> reentry) {
        Object context = r.enterGuarded(self, null, null, new Object[0], null);
        reentry.set(context);
        try {
            r.exit(r.enter(inner, null, null), null);
            return "body done";
        } finally {
            r.exitGuarded(context, null, null, null, null, null);
        }
    }

    private static String fallbackWithReason(String query, AtomicReference<Throwable> reason, Throwable why) {
        reason.set(why);
        return "fallback for " + query;
    }

    private static String throwingFallback(String query, AtomicReference<Throwable> failure) throws Throwable {
        throw failure.get();
    }

    private static CompletionStage<String> stageFallback(String query, AtomicReference<Throwable> reason,
            Throwable why) {
        reason.set(why);
        return CompletableFuture.completedFuture("staged fallback for " + query);
    }
}
