package dev.toolwarden.runtime;

import dev.toolwarden.log.Log;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one watchdog of the JVM: a daemon thread that looks at every running woven call a hundred
 * times a second. A call past its soft limit is reported, with the stack of the thread running it,
 * while it still runs; a call past its hard limit is reported and its thread interrupted, and the
 * call's exit turns it into a {@link dev.toolwarden.ToolTimeoutException}.
 *
 * <p>Calls do not register with it: it scans the threads' {@link CallStack}s, which exist anyway,
 * so a call costs the watchdog a store on entry and a compare-and-set on exit, and nothing else:
 * no allocation, no lock, no queue. A thread's stack is registered once, when the thread
 * makes its first woven call, and forgotten when the thread ends.
 */
final class Watchdog implements Runnable {

    /** How often the running calls are checked. */
    static final long TICK_MILLIS = 10;

    static final Watchdog INSTANCE = new Watchdog();
    private static final StackTraceElement[] NO_STACK = new StackTraceElement[0];

    private final ConcurrentLinkedQueue<WeakReference<CallStack>> stacks = new ConcurrentLinkedQueue<>();
    private volatile boolean started;

    private Watchdog() {
    }

    /** Adds a thread's call stack; starts the watchdog thread with the first one. */
    void register(CallStack stack) {
        stacks.add(new WeakReference<>(stack));
        if (!started) {
            start();
        }
    }

    private synchronized void start() {
        if (started) {
            return;
        }
        Thread t = new Thread(this, "toolwarden-watchdog");
        t.setDaemon(true);
        t.setContextClassLoader(Watchdog.class.getClassLoader());
        t.start();
        started = true;
    }

    @Override
    public void run() {
        while (true) {
            try {
                TimeUnit.MILLISECONDS.sleep(TICK_MILLIS);
                scan(System.nanoTime());
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                // The watchdog must outlive anything: one bad scan is logged and the next one runs.
                Log.warnOnce("watchdog", "the watchdog failed a scan (" + t + "); it goes on");
            }
        }
    }

    /** @return woven calls running now, on all threads (a diagnostic: it scans every thread's stack) */
    int callsInFlight() {
        int[] running = new int[1];
        forEachFrame((s, c) -> {
            if (c.word() != 0) {
                running[0]++;
            }
        });
        return running[0];
    }

    /** @return threads whose call stacks the watchdog holds */
    int watchedThreads() {
        stacks.removeIf(r -> r.get() == null || !r.get().owner.isAlive());
        return stacks.size();
    }

    /** Checks every running call once. */
    private void scan(long now) {
        forEachFrame((s, c) -> check(s, c, now));
    }

    /** Visits every context of every live thread's stack, forgetting the stacks of threads that ended. */
    private void forEachFrame(java.util.function.BiConsumer<CallStack, ExecutionContext> visit) {
        for (Iterator<WeakReference<CallStack>> it = stacks.iterator(); it.hasNext();) {
            CallStack s = it.next().get();
            if (s == null || !s.owner.isAlive()) {
                it.remove();
                continue;
            }
            // Racy reads, on purpose: a stale depth or array only means a call is seen one tick late.
            ExecutionContext[] frames = s.framesForWatchdog();
            int depth = Math.min(s.depthForWatchdog(), frames.length);
            for (int i = 0; i < depth; i++) {
                ExecutionContext c = frames[i];
                if (c != null) {
                    visit.accept(s, c);
                }
            }
        }
    }

    private static void check(CallStack s, ExecutionContext c, long now) {
        long word = c.word();
        if (word == 0) {
            return;
        }
        long sequence = word >>> 2;
        WovenMethod m = c.method;
        long start = c.startNanos;
        VarHandle.loadLoadFence();
        if (m == null || c.word() >>> 2 != sequence) {
            return;
        }
        long elapsed = now - start;
        if (m.softNanos > 0 && elapsed >= m.softNanos && c.softReported != sequence) {
            StackTraceElement[] trace = m.runtime.wantsStack("SOFT", m) ? s.owner.getStackTrace() : NO_STACK;
            if (c.word() >>> 2 != sequence) {
                return; // it ended while its stack was taken: it was slow, not stuck
            }
            c.softReported = sequence;
            m.runtime.limitPassed(m, "SOFT", s.owner, m.softNanos, elapsed, trace);
        }
        if (m.hardNanos > 0 && elapsed >= m.hardNanos && (word & 3) == ExecutionContext.RUNNING
                && c.claimForInterrupt(sequence)) {
            // The call is ours to end: the owner cannot finish it before we say so. Its stack is taken
            // only when someone will read it; with thousands of calls timing out at once, taking every
            // one would make the last of them late.
            StackTraceElement[] trace = NO_STACK;
            boolean byToolwarden = false;
            try {
                if (m.runtime.wantsStack("HARD", m)) {
                    trace = s.owner.getStackTrace();
                }
                byToolwarden = !s.owner.isInterrupted();
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
