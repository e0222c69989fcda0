package dev.toolwarden.runtime;

import dev.toolwarden.events.ExecutionEvent;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * A call of an asynchronous woven method whose returned stage has not completed yet. The caller
 * holds {@link #result}, a stage of Toolwarden's that completes with the body's stage, or with a
 * {@link dev.toolwarden.ToolTimeoutException} (or the fallback's answer) at the hard limit. Whoever
 * comes first ends the call, by one compare-and-set: the body's stage, the watchdog at the hard
 * limit, or the caller completing or cancelling its stage.
 */
final class AsyncCall implements BiConsumer<Object, Throwable> {

    private static final VarHandle STATE;
    static final int PENDING = 0;
    static final int DONE = 1;
    static final int TIMED_OUT = 2;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AsyncCall.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ToolwardenRuntime runtime;
    final WovenMethod method;
    final long startNanos;
    final String conversation;
    final boolean countsForConversation;
    final long cpu;
    final long allocated;
    final CompletionStage<?> source;
    final CompletableFuture<Object> result = new CompletableFuture<>();
    // Dropped once the call has ended, so that a finished call keeps nothing of the application alive.
    ExecutionEvent event;
    Object[] eventArguments;
    Object self;
    Object[] arguments;
    MethodHandle fallback;
    boolean holdsPlace;
    /**
     * The cache entry this call computes, or {@code null}: completed from the body's own stage, and
     * failed at the hard limit, never from what the caller does with its own stage.
     */
    CompletableFuture<dev.toolwarden.bootstrap.Completion> loading;
    /** Written by the watchdog only. */
    boolean softReported;

    @SuppressWarnings("unused") // through STATE
    private volatile int state;

    AsyncCall(ToolwardenRuntime runtime, WovenMethod method, long startNanos, String conversation,
            boolean countsForConversation, long cpu, long allocated, CompletionStage<?> source) {
        this.runtime = runtime;
        this.method = method;
        this.startNanos = startNanos;
        this.conversation = conversation;
        this.countsForConversation = countsForConversation;
        this.cpu = cpu;
        this.allocated = allocated;
        this.source = source;
    }

    /** Connects the stages: the body's completes the caller's; the caller completing its own first cancels the body's. */
    void connect() {
        source.whenComplete(this);
        result.whenComplete((value, thrown) -> {
            if (STATE.compareAndSet(this, PENDING, DONE)) {
                // The caller completed or cancelled its stage before the body's stage completed. The body's
                // stage is cancelled too, unless other callers of its cache key wait for it.
                runtime.asyncEnded(this, value, thrown, false);
                if (loading == null) {
                    cancelSource();
                }
            }
        });
    }

    /** The body's stage completed. */
    @Override
    public void accept(Object value, Throwable thrown) {
        if (STATE.compareAndSet(this, PENDING, DONE)) {
            runtime.asyncEnded(this, value, thrown, true);
        }
    }

    /** @return whether the call still waits for its stage */
    boolean pending() {
        return state == PENDING;
    }

    /** Toolwarden failed to watch the call: it is no longer one, and the watchdog forgets it. */
    void abandon() {
        if (STATE.compareAndSet(this, PENDING, DONE)) {
            dropReferences();
        }
    }

    /** The watchdog's claim at the hard limit: wins only while the call is pending. */
    boolean timeOut() {
        return STATE.compareAndSet(this, PENDING, TIMED_OUT);
    }

    /** Cancels the body's stage, where it can be cancelled. */
    void cancelSource() {
        try {
            source.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException e) {
            // A stage that cannot be turned into a future cannot be cancelled from outside.
        }
    }

    void dropReferences() {
        event = null;
        eventArguments = null;
        self = null;
        arguments = null;
        fallback = null;
    }
}
