package dev.toolwarden;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot of the resources used by one conversation: the woven calls made for it (calls with
 * a {@code @ConversationId} argument, and the woven calls nested inside them).
 *
 * <p>Resources are summed over the outermost calls of the conversation only, so a tool called by
 * a chat handler is counted once, inside its handler.
 *
 * @param conversationId the conversation's id, as passed to the {@code @ConversationId} parameter
 * @param calls woven calls made for the conversation, nested ones included
 * @param wallTime wall time of its outermost calls
 * @param cpuTime CPU time of its outermost calls that could be measured
 * @param allocatedBytes bytes allocated by its outermost calls that could be measured
 * @param lastActivity when its last call ended
 * @param memoryBytes the memory its context holds: reported by the application
 *     ({@code Toolwarden.recordConversationMemory}), else estimated from the messages that passed
 *     through its chat handlers
 */
public record ConversationStatistics(String conversationId, long calls, Duration wallTime, Duration cpuTime,
        long allocatedBytes, Instant lastActivity, long memoryBytes) {

    /** Checks the components. */
    public ConversationStatistics {
        Objects.requireNonNull(conversationId, "conversationId");
    }
}
