package dev.toolwarden.events;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One call of a woven tool or chat handler; the event's duration is the call's. CPU time and
 * allocations that were not measured are {@link #UNKNOWN} ({@code Long.MIN_VALUE}, which
 * {@code jfr print} and JDK Mission Control show as N/A), never 0.
 */
@Name(ExecutionEvent.NAME)
@Label("Tool Execution")
@Category("Toolwarden")
@Description("A call of a woven tool or chat handler, with its outcome and the resources it used")
@StackTrace(false)
public final class ExecutionEvent extends jdk.jfr.Event {

    /** The event's name in recordings. */
    public static final String NAME = "toolwarden.Execution";

    /** The value of {@link #cpuTime} and {@link #allocated} when they were not measured. */
    public static final long UNKNOWN = Long.MIN_VALUE;

    /** TOOL or CHAT. */
    @Label("Kind")
    @Description("TOOL for a tool call, CHAT for a chat handler")
    public String kind;

    /** The tool or chat handler name. */
    @Label("Name")
    @Description("The tool or chat handler name")
    public String name;

    /** The woven method. */
    @Label("Method")
    @Description("The woven method: class, name and parameter types")
    public String method;

    /** SUCCESS, ERROR, TIMEOUT, REJECTED or FALLBACK. */
    @Label("Outcome")
    @Description("SUCCESS, ERROR, TIMEOUT, REJECTED or FALLBACK")
    public String outcome;

    /** Whether a cached answer was served. */
    @Label("Cache Hit")
    @Description("Whether the answer came from the cache")
    public boolean cacheHit;

    /** CPU time of the calling thread during the call. */
    @Label("CPU Time")
    @Description("CPU time of the thread during the call; N/A when not measured")
    @Timespan(Timespan.NANOSECONDS)
    public long cpuTime;

    /** Bytes allocated by the calling thread during the call. */
    @Label("Allocated")
    @Description("Bytes allocated by the thread during the call; N/A when not measured")
    @DataAmount(DataAmount.BYTES)
    public long allocated;

    /** The conversation the call belongs to. */
    @Label("Conversation")
    @Description("The conversation the call belongs to, if any")
    public String conversationId;

    /** The exception the call ended with. */
    @Label("Error")
    @Description("Class of the exception the call ended with (and its message when arguments are recorded in full)")
    public String error;

    /** Argument values, when configuration asks for them. */
    @Label("Arguments")
    @Description("Argument values: empty, digests or text, as toolwarden.jfr.arguments says")
    public String arguments;
}
