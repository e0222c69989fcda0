package dev.toolwarden.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.Alert;
import dev.toolwarden.ExecutionKind;
import dev.toolwarden.config.Configuration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WatchdogTest {

    private static final CallPolicy SOFT_50MS =
            new CallPolicy(Duration.ofMillis(50), Duration.ZERO, false, null, null, 0, null);

    private final ToolwardenRuntime runtime = new ToolwardenRuntime(Configuration.load(null, Map.of(), Map.of()), false);
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();

    WatchdogTest() {
        runtime.addAlertListener(alerts::add);
    }

    private static void spinUntil(java.util.function.BooleanSupplier done, long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!done.getAsBoolean() && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @Test
    void eachCallPastItsSoftLimitIsReportedOnceEvenWhenItsContextIsReused() {
        int id = runtime.register(new MethodDescriptor("watched", ExecutionKind.TOOL, "com.x.W#watched()", SOFT_50MS));
        for (int call = 1; call <= 2; call++) {
            Object context = runtime.enter(id, null, null);
            int expected = call;
            spinUntil(() -> alerts.size() == expected, 5_000);
            assertEquals(call, alerts.size(), "call " + call + " reported while it runs");
            // Staying longer past the limit reports nothing more for the same call.
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * Watchdog.TICK_MILLIS);
            spinUntil(() -> System.nanoTime() > until, 1_000);
            assertEquals(call, alerts.size());
            runtime.exit(context, null);
        }
        Alert a = alerts.get(0);
        assertEquals("TOOL_TIME", a.resource());
        assertEquals("SOFT", a.level());
        assertEquals("watched", a.subject());
        assertEquals(50.0, a.threshold());
        assertTrue(a.value() >= 50.0, "elapsed " + a.value());
    }

    @Test
    void aCallThatEndsBeforeItsLimitIsNeverReported() {
        int id = runtime.register(new MethodDescriptor("brief", ExecutionKind.TOOL, "com.x.W#brief()", SOFT_50MS));
        for (int i = 0; i < 1000; i++) {
            runtime.exit(runtime.enter(id, null, null), null);
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        spinUntil(() -> System.nanoTime() > until, 1_000);
        assertEquals(List.of(), alerts);
    }

    /**
     * The application interrupts the call's thread; the call ends just as the watchdog claims it at
     * its hard limit, and the owner, waiting for the claim, clears the flag to park. The watchdog
     * must not then take the interrupt for its own to give (and the owner clear it for good): the
     * application's interrupt is kept.
     */
    @Test
    void anInterruptTheOwnerClearsWhileTheWatchdogHoldsItsClaimStaysTheApplications() throws Exception {
        CallStack stack = new CallStack();
        ExecutionContext c = stack.push();
        c.arm(stack.nextSequence());
        long sequence = c.sequence;
        assertTrue(c.claimForInterrupt(sequence), "the watchdog's claim at the hard limit");
        Thread owner = Thread.currentThread();
        java.util.concurrent.atomic.AtomicReference<Boolean> ours = new java.util.concurrent.atomic.AtomicReference<>();
        Thread watchdog = new Thread(() -> {
            // Slow between its claim and its decision: by then the owner has cleared the flag to wait.
            spinUntil(() -> c.ownerCleared == sequence, 10_000);
            boolean give = c.interruptIsOurs(owner, sequence);
            ours.set(give);
            if (give) {
                owner.interrupt();
            }
            c.interrupted(sequence, give);
        }, "watchdog-stand-in");
        owner.interrupt(); // the application's own
        watchdog.start();
        int state;
        try {
            state = c.close();
        } finally {
            watchdog.join(10_000);
        }
        boolean kept = Thread.interrupted();
        stack.pop(c);
        assertEquals(Boolean.FALSE, ours.get(), "the interrupt was the application's, not the watchdog's to give");
        assertEquals(ExecutionContext.LATE, state);
        assertTrue(kept, "the application's interrupt is set again when the call ends");
    }

    /** Durations are accepted however long ("never"); one past what nanoseconds hold must not break the method. */
    @Test
    void aMethodWithALimitLongerThanNanosecondsHoldIsRegisteredAndRunsUnlimited() {
        CallPolicy forever = new CallPolicy(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofDays(200_000_000_000L), false,
                null, null, 0, null);
        int id = runtime.register(new MethodDescriptor("forever", ExecutionKind.TOOL, "com.x.W#forever()", forever));
        Object context = runtime.enter(id, null, null);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * Watchdog.TICK_MILLIS);
        spinUntil(() -> System.nanoTime() > until, 1_000);
        runtime.exit(context, null);
        assertEquals(1, runtime.statistics("forever").orElseThrow().calls());
        assertEquals(0, runtime.statistics("forever").orElseThrow().timeouts());
        assertEquals(List.of(), alerts);
    }

    @Test
    void stacksAreWrittenWithoutLoaderAndModuleNames() {
        StackTraceElement e = new StackTraceElement("app", "java.base", "17", "java.lang.Thread", "sleep", null, -2);
        assertEquals("at java.lang.Thread.sleep(Native Method)\n", ToolwardenRuntime.stackText(new StackTraceElement[] {e}));
    }
}
