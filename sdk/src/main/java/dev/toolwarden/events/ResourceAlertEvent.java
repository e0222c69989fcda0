package dev.toolwarden.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A resource crossed a soft or hard limit, or fell back below it.
 *
 * <p>Its name and fields are a contract (SPEC section 8): the report command and users' own tools
 * read them. Emitted by the component that watches the resource.
 */
@Name(ResourceAlertEvent.NAME)
@Label("Resource Alert")
@Category("Toolwarden")
@Description("A resource crossed a soft or hard limit, or fell back below it")
@StackTrace(false)
public final class ResourceAlertEvent extends jdk.jfr.Event {

    /** The event's name in recordings. */
    public static final String NAME = "toolwarden.ResourceAlert";

    /** MEMORY, CPU, DB_CONNECTIONS, TOOL_TIME or CONVERSATION_MEMORY. */
    @Label("Resource")
    @Description("MEMORY, CPU, DB_CONNECTIONS, CONVERSATION_MEMORY, TOOL_TIME, DATABASE or CACHE_L2")
    public String resource;

    /** SOFT or HARD. */
    @Label("Level")
    @Description("SOFT or HARD")
    public String level;

    /** The value that crossed the limit. */
    @Label("Value")
    @Description("The value that crossed the limit")
    public double value;

    /** The limit. */
    @Label("Threshold")
    @Description("The limit")
    public double threshold;

    /** What the value belongs to: a pool, a tool, a conversation. */
    @Label("Subject")
    @Description("What the value belongs to: a pool, a tool, a conversation")
    public String subject;

    /** Whether the value fell back below the limit. */
    @Label("Cleared")
    @Description("Whether the value fell back below the limit")
    public boolean cleared;
}
