package dev.toolwarden.runtime;

/**
 * The woven calls in progress on one thread, innermost last. Contexts are reused from call to
 * call, so entering a woven method allocates nothing once the thread has reached its usual depth.
 */
final class CallStack {

    /** Deeper nesting than this is not accounted (runaway recursion through a woven method). */
    static final int MAX_DEPTH = 512;

    /** The thread whose calls these are: the watchdog reports its stack. */
    final Thread owner = Thread.currentThread();
    // Read racily by the watchdog, which copes with a stale depth or array: contexts are never removed.
    private ExecutionContext[] frames = new ExecutionContext[8];
    private int depth;
    /** Numbers this thread's calls for the watchdog; never 0. */
    private long calls;
    /** Set while Toolwarden runs application code (toString of an argument): woven calls then pass unaccounted. */
    boolean busy;
    /**
     * Set by an isolation worker just before it runs an isolated body: the id of the woven method
     * whose next entry on this thread is that body, which must run as it is, not be isolated again.
     */
    int bodyOf = -1;
    /** On an isolation worker, the conversation of the call whose body runs here; nested calls inherit it. */
    String inheritedConversation;

    ExecutionContext current() {
        return depth == 0 ? null : frames[depth - 1];
    }

    /** @return whether a call in progress on this thread is for {@code conversation} */
    boolean hasConversation(String conversation) {
        if (conversation.equals(inheritedConversation)) {
            return true;
        }
        for (int i = 0; i < depth; i++) {
            if (conversation.equals(frames[i].conversation)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether a call in progress on this thread computes the entry {@code future} will hold */
    boolean isLoading(Object future) {
        for (int i = 0; i < depth; i++) {
            if (frames[i].loading == future) {
                return true;
            }
        }
        return false;
    }

    long nextSequence() {
        return ++calls;
    }

    /** @return the contexts, for the watchdog: it reads at most {@link #depthForWatchdog()} of them */
    ExecutionContext[] framesForWatchdog() {
        return frames;
    }

    int depthForWatchdog() {
        return depth;
    }

    /** @return whether {@link #MAX_DEPTH} calls are open, so that no more can be accounted */
    boolean isFull() {
        return depth >= MAX_DEPTH;
    }

    /** @return a context for a new innermost call; check {@link #isFull()} first */
    ExecutionContext push() {
        if (depth == frames.length) {
            frames = java.util.Arrays.copyOf(frames, Math.min(depth * 2, MAX_DEPTH));
        }
        ExecutionContext c = frames[depth];
        if (c == null) {
            c = new ExecutionContext(this, depth);
            frames[depth] = c;
        }
        depth++;
        return c;
    }

    /**
     * Ends {@code c} and anything above it that was left open (an exit that never ran), dropping their
     * references so that nothing of the application stays reachable from this thread.
     */
    void pop(ExecutionContext c) {
        for (int i = depth - 1; i > c.index; i--) {
            if (frames[i].close() == ExecutionContext.INTERRUPTED) {
                Thread.interrupted(); // the abandoned call's interrupt, set by the watchdog
            }
            frames[i].clear();
        }
        depth = c.index;
    }
}
