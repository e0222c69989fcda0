package dev.toolwarden.runtime;

import dev.toolwarden.events.ExecutionEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One woven call in progress: what was read on entry, to be compared on exit.
 *
 * <p>The watchdog reads running contexts from its own thread, like a seqlock: the owner publishes
 * a call by storing its sequence number in {@code armed} (a release store, a plain store on x86)
 * after writing the fields, and withdraws it by storing 0 before reusing them. The watchdog reads
 * {@code armed}, then the fields, then {@code armed} again, and trusts the fields only when both
 * reads give the same non-zero number.
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

    /** The running call's sequence number, or 0 between calls. Written by the owner thread only. */
    @SuppressWarnings("unused")
    private long armed;
    /** The sequence number of the call whose soft limit the watchdog has reported. Written by the watchdog only. */
    long softReported;

    WovenMethod method;
    long startNanos;
    long startCpu;
    long startAllocated;
    String conversation;
    boolean countsForConversation;
    ExecutionEvent event;
    Object[] arguments;

    ExecutionContext(CallStack stack, int index) {
        this.stack = stack;
        this.index = index;
    }

    /** Publishes the call to the watchdog; called by the owner after the call's fields are written. */
    void arm(long sequence) {
        ARMED.setRelease(this, sequence);
    }

    /** Withdraws the call from the watchdog; called by the owner before the fields change. */
    void disarm() {
        ARMED.setRelease(this, 0L);
        // Keeps the owner's next writes to the fields from becoming visible before the withdrawal.
        VarHandle.storeStoreFence();
    }

    /** @return the running call's sequence number as the watchdog sees it, or 0 */
    long armedSequence() {
        return (long) ARMED.getAcquire(this);
    }

    /** Ends this call: drops its references, so that a reused context keeps nothing of the application alive. */
    void release() {
        disarm();
        clear();
        stack.pop(this);
    }

    void clear() {
        method = null;
        conversation = null;
        event = null;
        arguments = null;
    }
}
