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

    /** Checks every running call once. Package-private for tests. */
    void scan(long now) {
        for (Iterator<WeakReference<CallStack>> it = stacks.iterator(); it.hasNext();) {
            CallStack s = it.next().get();
            if (s == null || !s.owner.isAlive()) {
                it.remove();
                continue;
            }
            ExecutionContext[] frames = s.framesForWatchdog();
            int depth = Math.min(s.depthForWatchdog(), frames.length);
            for (int i = 0; i < depth; i++) {
                ExecutionContext c = frames[i];
                if (c != null) {
                    check(s, c, now);
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
            StackTraceElement[] trace = s.owner.getStackTrace();
            if (c.word() >>> 2 != sequence) {
                return; // it ended while its stack was taken: it was slow, not stuck
            }
            c.softReported = sequence;
            m.runtime.limitPassed(m, "SOFT", s.owner, m.softNanos, elapsed, trace);
        }
        if (m.hardNanos > 0 && elapsed >= m.hardNanos && (word & 3) == ExecutionContext.RUNNING
                && c.claimForInterrupt(sequence)) {
            // The call is ours to end: the owner cannot finish it before we say so.
            StackTraceElement[] trace = s.owner.getStackTrace();
            boolean byToolwarden = !s.owner.isInterrupted();
            if (byToolwarden) {
                s.owner.interrupt();
            }
            c.interrupted(sequence, byToolwarden);
            m.runtime.limitPassed(m, "HARD", s.owner, m.hardNanos, elapsed, trace);
        }
    }
}
