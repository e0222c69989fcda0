package dev.toolwarden.runtime;

import dev.toolwarden.accounting.ThreadResources;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The body of one isolated call, run on an isolation worker while its caller waits, at most until
 * the call's hard limit. The caller and the worker agree on who ends the call with one
 * compare-and-set: the worker when the body ends first, the caller when it gives up first (the body
 * is then <em>abandoned</em> and counted until it ends).
 */
final class IsolatedCall implements Runnable {

    private static final VarHandle STATE;
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int ABANDONED = 2;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(IsolatedCall.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final IsolationPool pool;
    private final Thread caller;
    private final int method;
    private final String conversation;
    private final ClassLoader contextLoader;
    private final boolean measureCpu;
    private MethodHandle body;
    private Object self;
    private Object[] arguments;

    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    /** The worker running the body; read under this object's lock by whoever interrupts it. */
    private volatile Thread runner;
    /** The caller was interrupted before the body started: the worker interrupts itself when it starts. */
    private volatile boolean interruptOnStart;

    // Written by the worker before its compare-and-set to DONE; read by the caller after seeing DONE.
    Object value;
    Throwable thrown;
    long cpu = ThreadResources.UNKNOWN;
    long allocated = ThreadResources.UNKNOWN;

    IsolatedCall(IsolationPool pool, int method, MethodHandle body, Object self, Object[] arguments,
            String conversation, boolean measureCpu) {
        this.pool = pool;
        this.caller = Thread.currentThread();
        this.method = method;
        this.body = body;
        this.self = self;
        this.arguments = arguments;
        this.conversation = conversation;
        this.contextLoader = caller.getContextClassLoader();
        this.measureCpu = measureCpu;
    }

    @Override
    public void run() {
        Thread worker = Thread.currentThread();
        ClassLoader previous = worker.getContextClassLoader();
        CallStack stack = ToolwardenRuntime.stack();
        ThreadResources resources = pool.resources();
        pool.started();
        try {
            synchronized (this) {
                runner = worker;
            }
            if (state != RUNNING) {
                return; // abandoned before it started: nobody waits for it
            }
            if (interruptOnStart) {
                worker.interrupt();
            }
            worker.setContextClassLoader(contextLoader);
            stack.bodyOf = method;
            stack.inheritedConversation = conversation;
            long startAllocated = resources.allocatedBytes();
            long startCpu = measureCpu ? resources.cpuTime() : ThreadResources.UNKNOWN;
            try {
                value = invoke();
            } catch (Throwable t) {
                thrown = t;
            }
            long endAllocated = resources.allocatedBytes();
            allocated = startAllocated == ThreadResources.UNKNOWN || endAllocated == ThreadResources.UNKNOWN
                    ? ThreadResources.UNKNOWN : Math.max(0, endAllocated - startAllocated);
            if (startCpu != ThreadResources.UNKNOWN) {
                long endCpu = resources.cpuTime();
                cpu = endCpu == ThreadResources.UNKNOWN ? ThreadResources.UNKNOWN : Math.max(0, endCpu - startCpu);
            }
        } finally {
            stack.bodyOf = -1;
            stack.inheritedConversation = null;
            body = null;
            self = null;
            arguments = null;
            synchronized (this) {
                runner = null; // from here on nobody interrupts this worker for this call
            }
            Thread.interrupted(); // the next body starts on a thread that is not interrupted
            worker.setContextClassLoader(previous);
            boolean ended = STATE.compareAndSet(this, RUNNING, DONE);
            pool.ended(!ended && state == ABANDONED);
            if (ended) {
                LockSupport.unpark(caller);
            }
        }
    }

    private Object invoke() throws Throwable {
        Object[] args = arguments;
        if (self == null) {
            return body.asFixedArity().invokeWithArguments(args);
        }
        Object[] all = new Object[args.length + 1];
        all[0] = self;
        System.arraycopy(args, 0, all, 1, args.length);
        return body.asFixedArity().invokeWithArguments(all);
    }

    /**
     * Waits, on the caller's thread, until the body ends or the deadline passes. An interrupt of the
     * caller while it waits is passed on to the body, as it would reach a body running in place, and
     * kept for the caller.
     *
     * @param timed whether there is a deadline
     * @param deadline the {@link System#nanoTime()} by which to give up
     * @return whether the body ended in time
     */
    boolean await(boolean timed, long deadline) {
        boolean interrupted = false;
        try {
            while (state == RUNNING) {
                if (Thread.interrupted()) {
                    interrupted = true;
                    forwardInterrupt();
                }
                if (timed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return state == DONE;
                    }
                    LockSupport.parkNanos(this, left);
                } else {
                    LockSupport.park(this);
                }
            }
            return true;
        } finally {
            if (interrupted) {
                caller.interrupt();
            }
        }
    }

    private void forwardInterrupt() {
        synchronized (this) {
            Thread r = runner;
            if (r != null) {
                r.interrupt();
            } else {
                interruptOnStart = true;
            }
        }
    }

    /**
     * The caller gives up on the body at the hard limit.
     *
     * @return whether the body was still running (it is now abandoned and interrupted); {@code false}
     *     when it ended just now
     */
    boolean abandon() {
        if (!STATE.compareAndSet(this, RUNNING, ABANDONED)) {
            return false;
        }
        pool.abandoned();
        synchronized (this) {
            Thread r = runner;
            if (r != null) {
                r.interrupt();
            }
        }
        return true;
    }

    /** @return the worker running the body now, or {@code null} */
    Thread runner() {
        return runner;
    }
}
