package dev.toolwarden.runtime;

import dev.toolwarden.events.ExecutionEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One woven call in progress: what was read on entry, to be compared on exit.
 *
 * <p>The watchdog reads running contexts from its own thread, like a seqlock: the owner publishes
 * a call by storing {@code sequence << 2} in {@code armed} (a release store, a plain store on x86)
 * after writing the fields. The watchdog reads {@code armed}, then the fields, then {@code armed}
 * again, and trusts the fields only when both give the same sequence.
 *
 * <p>The low two bits say how the call stands against its hard limit. The owner ends a call with
 * one compare-and-set from {@link #RUNNING} to 0; the watchdog may interrupt the owner only after
 * its own compare-and-set from {@link #RUNNING} to {@link #INTERRUPTING} succeeded. One of the two
 * wins, so an interrupt of Toolwarden's can never reach the owner after its call has returned.
 */
final class ExecutionContext {

    private static final VarHandle ARMED;

    static {
        try {
            ARMED = MethodHandles.lookup().findVarHandle(ExecutionContext.class, "armed", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final CallStack stack;
    final int index;

    /** Within its hard limit (or it has none). */
    static final int RUNNING = 0;
    /** The watchdog is interrupting the owner; the owner waits for it to finish before ending the call. */
    static final int INTERRUPTING = 1;
    /** The hard limit passed and the watchdog interrupted the owner. */
    static final int INTERRUPTED = 2;
    /** The hard limit passed while the owner was already interrupted by the application: left alone. */
    static final int LATE = 3;

    /** {@code sequence << 2 | state} of the running call, or 0 between calls. */
    @SuppressWarnings("unused")
    private long armed;
    /** The running call's sequence number: the owner's own copy. */
    long sequence;
    /** The sequence number of the call whose soft limit the watchdog has reported. Written by the watchdog only. */
    long softReported;
    /**
     * The sequence number of the call during whose end the owner cleared an interrupt to wait for the
     * watchdog: written before the flag is cleared, so that the watchdog, finding no flag, does not
     * take that interrupt for its own to give (it was the application's, or its own already).
     */
    volatile long ownerCleared;

    WovenMethod method;
    long startNanos;
    long startCpu;
    long startAllocated;
    String conversation;
    boolean countsForConversation;
    ExecutionEvent event;
    Object[] arguments;
    /** The isolated call whose body runs on a worker for this call, or {@code null}: its caller times it. */
    IsolatedCall isolated;
    /** A chat handler's estimate of the messages it adds to its conversation's context, or 0. */
    long memoryEstimate;
    /** Whether the call holds a place under its method's concurrency bound. */
    boolean holdsPlace;
    /** A cached method's call that computes its key's entry: the future other callers of the key wait for. */
    java.util.concurrent.CompletableFuture<dev.toolwarden.bootstrap.Completion> loading;
    /** The key being loaded. */
    Object cacheKey;
    /** For refresh-ahead: what runs the body again. */
    Object self;
    Object[] loadArguments;
    java.lang.invoke.MethodHandle body;

    ExecutionContext(CallStack stack, int index) {
        this.stack = stack;
        this.index = index;
    }

    /** Publishes the call to the watchdog; called by the owner after the call's fields are written. */
    void arm(long callSequence) {
        sequence = callSequence;
        ARMED.setRelease(this, callSequence << 2);
    }

    /**
     * Withdraws the call from the watchdog; called by the owner when the call ends, before the
     * fields change.
     *
     * @return {@link #RUNNING} when the call ended within its hard limit, else {@link #INTERRUPTED}
     *     or {@link #LATE}
     */
    int close() {
        if (ARMED.compareAndSet(this, sequence << 2, 0L)) {
            VarHandle.storeStoreFence();
            return RUNNING;
        }
        // The watchdog is between deciding and interrupting: usually a few microseconds, but on a
        // busy machine it may lose its processor in between. Spinning then would keep it from the
        // processor it needs (thousands of woken threads spinning starve it), so this waits politely:
        // a few spins, a few yields, then short parks. Parking returns at once while the thread is
        // interrupted, so the flag is cleared first, and set again unless the interrupt was Toolwarden's.
        boolean cleared = false;
        int rounds = 0;
        long word;
        while (((word = (long) ARMED.getAcquire(this)) & 3) == INTERRUPTING) {
            if (++rounds <= 64) {
                Thread.onSpinWait();
            } else if (rounds <= 128) {
                Thread.yield();
            } else {
                if (Thread.currentThread().isInterrupted()) {
                    ownerCleared = sequence;
                    cleared |= Thread.interrupted();
                }
                LockSupport.parkNanos(this, 50_000L);
            }
        }
        ARMED.setRelease(this, 0L);
        VarHandle.storeStoreFence();
        int state = word == 0 ? RUNNING : (int) (word & 3);
        if (cleared && state != INTERRUPTED) {
            Thread.currentThread().interrupt(); // the application's own interrupt, kept
        }
        return state;
    }

    /** @return {@code sequence << 2 | state} as the watchdog sees it, or 0 */
    long word() {
        return (long) ARMED.getAcquire(this);
    }

    /** The watchdog's claim on the call at its hard limit: wins only while the call still runs. */
    boolean claimForInterrupt(long callSequence) {
        return ARMED.compareAndSet(this, callSequence << 2 | RUNNING, callSequence << 2 | INTERRUPTING);
    }

    /**
     * The watchdog, holding its claim: whether the interrupt is its to give. Not when the owner is
     * interrupted already (by the application), nor when the owner, waiting for the claim, cleared an
     * interrupt: it says so before clearing, and this reads the flag first, then that.
     *
     * @param owner the thread of the call
     * @param callSequence the claimed call's sequence number
     * @return whether to interrupt the owner
     */
    boolean interruptIsOurs(Thread owner, long callSequence) {
        return !owner.isInterrupted() && ownerCleared != callSequence;
    }

    /** The watchdog, after interrupting (or deciding not to): lets the owner end the call. */
    void interrupted(long callSequence, boolean byToolwarden) {
        ARMED.setRelease(this, callSequence << 2 | (byToolwarden ? INTERRUPTED : LATE));
    }

    /** Ends this call: drops its references, so that a reused context keeps nothing of the application alive. */
    void release() {
        clear();
        stack.pop(this);
    }

    void clear() {
        if (loading != null) {
            // Every path completes its load before it ends the call; this is the net under them, so
            // that callers waiting for the key never wait for a call that is gone.
            loading.completeExceptionally(new IllegalStateException("the call computing this cache entry of "
                    + (method == null ? "a tool" : method.descriptor.name()) + " ended without a result"));
            loading = null;
        }
        cacheKey = null;
        self = null;
        loadArguments = null;
        body = null;
        if (holdsPlace) {
            holdsPlace = false;
            method.leave();
        }
        isolated = null;
        memoryEstimate = 0;
        method = null;
        conversation = null;
        event = null;
        arguments = null;
    }
}
