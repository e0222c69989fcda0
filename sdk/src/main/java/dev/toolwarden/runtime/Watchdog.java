package dev.toolwarden.runtime;

import dev.toolwarden.log.Log;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The one watchdog of the JVM: a daemon thread that looks at every running woven call at least a
 * hundred times a second, and sooner when a limit falls due before then (but not more often than
 * every millisecond). A call past its soft limit is reported, with the stack of the thread running
 * it, while it still runs; a call past its hard limit is reported and its thread interrupted, and
 * the call's exit turns it into a {@link dev.toolwarden.ToolTimeoutException}. Asynchronous calls,
 * which no thread runs, are watched from a queue of their own.
 *
 * <p>Calls do not register with it: it scans the threads' {@link CallStack}s, which exist anyway,
 * so a call costs the watchdog a store on entry and a compare-and-set on exit, and nothing else:
 * no allocation, no lock, no queue. A thread's stack is registered once, when the thread
 * makes its first woven call, and forgotten when the thread ends.
 */
final class Watchdog implements Runnable {

    /** How often the running calls are checked when no limit falls due sooner. */
    static final long TICK_MILLIS = 10;
    private static final long TICK_NANOS = TICK_MILLIS * 1_000_000L;
    /** The shortest wait between two scans, however close the next deadline. */
    private static final long MIN_WAIT_NANOS = 1_000_000L;

    static final Watchdog INSTANCE = new Watchdog();
    private static final StackTraceElement[] NO_STACK = new StackTraceElement[0];

    private final ConcurrentLinkedQueue<WeakReference<CallStack>> stacks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<AsyncCall> asyncCalls = new ConcurrentLinkedQueue<>();
    private volatile boolean started;
    /** The earliest deadline seen by the scan in progress; the watchdog thread's own. */
    private long nextDue;
    /** When the scan last dropped the stacks of threads that ended; the watchdog thread's own. */
    private long lastPrune;

    private Watchdog() {
    }

    /** Adds a thread's call stack; starts the watchdog thread with the first one. */
    void register(CallStack stack) {
        stacks.add(new WeakReference<>(stack));
        if (!started) {
            start();
        }
    }

    /** Watches an asynchronous call until its stage completes. */
    void watch(AsyncCall call) {
        asyncCalls.add(call);
        if (!started) {
            start();
        }
    }

    private synchronized void start() {
        if (started) {
            return;
        }
        // Started by the first woven call, on an application thread: through the factory, so that the
        // thread holds none of that thread's context (its class loader, its callers' protection domains).
        Thread t = DaemonThreads.named("toolwarden-watchdog", false).newThread(this);
        t.start();
        started = true;
    }

    @Override
    public void run() {
        long wait = TICK_NANOS;
        while (true) {
            try {
                LockSupport.parkNanos(this, wait);
                if (Thread.interrupted()) {
                    return;
                }
                long now = System.nanoTime();
                long due = scan(now);
                wait = Math.max(MIN_WAIT_NANOS, Math.min(TICK_NANOS, due - System.nanoTime()));
            } catch (Throwable t) {
                wait = TICK_NANOS;
                // The watchdog must outlive anything: one bad scan is logged and the next one runs.
                Log.warnOnce("watchdog", "the watchdog failed a scan (" + t + "); it goes on");
            }
        }
    }

    /** @return woven calls running now, on all threads (a diagnostic: it scans every thread's stack) */
    int callsInFlight() {
        int running = forEachFrame(true, 0, false);
        for (AsyncCall a : asyncCalls) {
            if (a.pending()) {
                running++;
            }
        }
        return running;
    }

    /** @return threads whose call stacks the watchdog holds */
    int watchedThreads() {
        for (Iterator<WeakReference<CallStack>> it = stacks.iterator(); it.hasNext();) {
            CallStack s = it.next().get();
            if (s == null || !s.owner.isAlive()) {
                it.remove();
            }
        }
        return stacks.size();
    }

    /**
     * Checks every running call once.
     *
     * @return the earliest time a limit of a running call falls due
     */
    private long scan(long now) {
        nextDue = now + TICK_NANOS;
        // Asking every thread whether it is alive costs more than checking its calls: once a second.
        // In between, a thread that ended has an empty stack, and its stack goes once collected.
        boolean prune = now - lastPrune >= 1_000_000_000L;
        if (prune) {
            lastPrune = now;
        }
        forEachFrame(false, now, prune);
        for (Iterator<AsyncCall> it = asyncCalls.iterator(); it.hasNext();) {
            AsyncCall a = it.next();
            if (!a.pending()) {
                it.remove();
                continue;
            }
            check(a, now);
        }
        return nextDue;
    }

    private void due(long at) {
        if (at < nextDue) {
            nextDue = at;
        }
    }

    private void check(AsyncCall a, long now) {
        WovenMethod m = a.method;
        long elapsed = now - a.startNanos;
        if (m.softNanos > 0 && !a.softReported) {
            if (elapsed >= m.softNanos) {
                a.softReported = true;
                m.runtime.limitPassed(m, "SOFT", null, m.softNanos, elapsed, NO_STACK);
            } else {
                due(a.startNanos + m.softNanos);
            }
        }
        if (m.hardNanos > 0) {
            if (elapsed < m.hardNanos) {
                due(a.startNanos + m.hardNanos);
            } else if (a.timeOut()) {
                m.runtime.asyncTimedOut(a, elapsed);
            }
        }
    }

    /**
     * Visits every context of every live thread's stack, forgetting the stacks of threads that ended:
     * {@linkplain #check checks} each, or only counts the running ones. (No visitor lambda: the first
     * scan comes while the application starts, and a scan should allocate nothing.)
     *
     * @return with {@code count}, the calls running; otherwise 0
     */
    private int forEachFrame(boolean count, long now, boolean prune) {
        int running = 0;
        for (Iterator<WeakReference<CallStack>> it = stacks.iterator(); it.hasNext();) {
            CallStack s = it.next().get();
            if (s == null || (prune && !s.owner.isAlive())) {
                it.remove();
                continue;
            }
            // Racy reads, on purpose: a stale depth or array only means a call is seen one tick late.
            ExecutionContext[] frames = s.framesForWatchdog();
            int depth = Math.min(s.depthForWatchdog(), frames.length);
            for (int i = 0; i < depth; i++) {
                ExecutionContext c = frames[i];
                if (c == null) {
                    continue;
                }
                if (!count) {
                    check(s, c, now);
                } else if (c.word() != 0) {
                    running++;
                }
            }
        }
        return running;
    }

    /** @return whether a call nested in {@code c}, on the same thread, was interrupted at its hard limit */
    private static boolean interruptedInside(CallStack s, ExecutionContext c) {
        ExecutionContext[] frames = s.framesForWatchdog();
        int depth = Math.min(s.depthForWatchdog(), frames.length);
        for (int i = c.index + 1; i < depth; i++) {
            ExecutionContext inner = frames[i];
            if (inner != null && (inner.word() & 3) == ExecutionContext.INTERRUPTED) {
                return true;
            }
        }
        return false;
    }

    private void check(CallStack s, ExecutionContext c, long now) {
        long word = c.word();
        if (word == 0) {
            return;
        }
        long sequence = word >>> 2;
        WovenMethod m = c.method;
        long start = c.startNanos;
        IsolatedCall isolated = c.isolated;
        VarHandle.loadLoadFence();
        if (m == null || c.word() >>> 2 != sequence) {
            return;
        }
        long elapsed = now - start;
        if (m.softNanos > 0 && c.softReported != sequence) {
            if (elapsed < m.softNanos) {
                due(start + m.softNanos);
            } else {
                // An isolated call's body runs on its worker: that is where it is stuck.
                Thread runner = isolated == null ? s.owner : isolated.runner();
                StackTraceElement[] trace = runner != null && m.runtime.wantsStack("SOFT", m)
                        ? runner.getStackTrace() : NO_STACK;
                if (c.word() >>> 2 != sequence) {
                    return; // it ended while its stack was taken: it was slow, not stuck
                }
                c.softReported = sequence;
                m.runtime.limitPassed(m, "SOFT", runner != null ? runner : s.owner, m.softNanos, elapsed, trace);
            }
        }
        if (m.hardNanos <= 0 || isolated != null || (word & 3) != ExecutionContext.RUNNING) {
            return; // an isolated call's caller keeps its own hard limit, to the nanosecond
        }
        if (elapsed < m.hardNanos) {
            due(start + m.hardNanos);
        } else if (s.owner.isInterrupted() && interruptedInside(s, c)) {
            // The flag is Toolwarden's, for a call inside this one that has not ended yet: this call is
            // claimed once that one has ended and cleared it, not taken as interrupted by the application.
            // A tick later: the inner call may ignore its interrupt for long, and the scan is not to spin meanwhile.
            due(now + TICK_NANOS);
        } else if (c.claimForInterrupt(sequence)) {
            // The call is ours to end: the owner cannot finish it before we say so. Its stack is taken
            // only when someone will read it; with thousands of calls timing out at once, taking every
            // one would make the last of them late.
            StackTraceElement[] trace = NO_STACK;
            boolean byToolwarden = false;
            try {
                if (m.runtime.wantsStack("HARD", m)) {
                    trace = s.owner.getStackTrace();
                }
                byToolwarden = c.interruptIsOurs(s.owner, sequence);
                if (byToolwarden) {
                    s.owner.interrupt();
                }
            } finally {
                // Whatever happened above, the owner may be waiting for this to end its call.
                c.interrupted(sequence, byToolwarden);
            }
            m.runtime.limitPassed(m, "HARD", s.owner, m.hardNanos, elapsed, trace);
        }
    }
}
