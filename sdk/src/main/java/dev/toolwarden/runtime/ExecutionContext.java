package dev.toolwarden.runtime;

import dev.toolwarden.events.ExecutionEvent;

/** One woven call in progress: what was read on entry, to be compared on exit. */
final class ExecutionContext {

    final CallStack stack;
    final int index;

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

    /** Ends this call: drops its references, so that a reused context keeps nothing of the application alive. */
    void release() {
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
