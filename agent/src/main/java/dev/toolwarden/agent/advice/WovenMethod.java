package dev.toolwarden.agent.advice;

import org.objectweb.asm.Handle;

/**
 * What the advice woven into one method needs, decided when its class is woven: all of it is
 * compiled into the method as constants.
 *
 * @param id the method's id with the runtime ({@code -1} for the warm-up, which registers nothing)
 * @param conversationParameter the index of its {@code @ConversationId} parameter, or -1
 * @param guarded whether it gets the guarded advice, which may skip the body and replace its outcome
 * @param argumentsOnEntry whether its entry passes the arguments (plain advice: events that record
 *     them; guarded advice: the flags say)
 * @param flags the guarded advice's flags ({@code Completion}'s constants)
 * @param body a handle on the method's own body (isolation, refreshing cached entries), or {@code null}
 * @param fallback a handle on its fallback, or {@code null}
 */
public record WovenMethod(int id, int conversationParameter, boolean guarded, boolean argumentsOnEntry, int flags,
        Handle body, Handle fallback) {

    /** @return whether its exit passes the arguments: for the fallback, or for an asynchronous one */
    boolean argumentsOnExit() {
        return fallback != null || (flags & dev.toolwarden.bootstrap.Completion.ARGUMENTS_ON_EXIT) != 0;
    }
}
