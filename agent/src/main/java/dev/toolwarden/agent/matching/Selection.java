package dev.toolwarden.agent.matching;

import dev.toolwarden.runtime.CallPolicy;
import dev.toolwarden.runtime.MethodDescriptor;

/**
 * A method the agent weaves, with what its advice needs to know.
 *
 * @param descriptor name, kind, method text and call policy, for the runtime
 * @param conversationParameter index of the {@code @ConversationId} parameter, or -1
 * @param fallbackMethod the {@code @Fallback} method, checked, or {@code null}
 */
public record Selection(MethodDescriptor descriptor, int conversationParameter, MethodModel fallbackMethod) {

    /**
     * @return whether the method needs the guarded advice, which can skip the body and replace its
     *     result: it has a fallback, a concurrency bound, isolation or an asynchronous result
     */
    public boolean guarded() {
        CallPolicy p = descriptor.policy();
        return fallbackMethod != null || p.isolate() || p.maxConcurrent() > 0 || descriptor.asynchronous()
                || p.cacheCategory() != null || estimatesConversationMemory();
    }

    /** @return whether it is a chat handler with a conversation, whose messages count for the conversation's memory */
    public boolean estimatesConversationMemory() {
        return descriptor.kind() == dev.toolwarden.ExecutionKind.CHAT && conversationParameter >= 0;
    }
}
