package dev.toolwarden.agent.matching;

import dev.toolwarden.runtime.MethodDescriptor;

/**
 * A method the agent weaves, with what its advice needs to know.
 *
 * @param descriptor name, kind, method text and call policy, for the runtime
 * @param conversationParameter index of the {@code @ConversationId} parameter, or -1
 */
public record Selection(MethodDescriptor descriptor, int conversationParameter) {
}
