package dev.toolwarden.events;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Periodic sample of an active conversation's memory.
 *
 * <p>Its name and fields are a contract (SPEC section 8): the report command and users' own tools
 * read them. Emitted by the component that watches the resource.
 */
@Name(ConversationMemoryEvent.NAME)
@Label("Conversation Memory")
@Category("Toolwarden")
@Description("Periodic sample of an active conversation's memory")
@StackTrace(false)
public final class ConversationMemoryEvent extends jdk.jfr.Event {

    /** The event's name in recordings. */
    public static final String NAME = "toolwarden.ConversationMemory";

    /** The conversation. */
    @Label("Conversation")
    @Description("The conversation")
    public String conversationId;

    /** Memory of its context. */
    @Label("Bytes")
    @Description("Memory of its context")
    @DataAmount
    public long bytes;
}
