package dev.toolwarden.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A woven call passed its soft or hard time limit.
 *
 * <p>Its name and fields are a contract (SPEC section 8): the report command and users' own tools
 * read them. The stuck thread's stack is the {@code stack} field (the event itself is written by
 * the watchdog thread, so it records no stack trace of its own). Emitted by the watchdog.
 */
@Name(TimeoutEvent.NAME)
@Label("Tool Timeout")
@Category("Toolwarden")
@Description("A woven call passed its soft or hard time limit")
@StackTrace(false)
public final class TimeoutEvent extends jdk.jfr.Event {

    /** The event's name in recordings. */
    public static final String NAME = "toolwarden.Timeout";

    /** The tool or chat handler name. */
    @Label("Name")
    @Description("The tool or chat handler name")
    public String name;

    /** SOFT or HARD. */
    @Label("Level")
    @Description("SOFT or HARD")
    public String level;

    /** The limit that was passed. */
    @Label("Limit")
    @Description("The limit that was passed")
    @Timespan(Timespan.NANOSECONDS)
    public long limit;

    /** How long the call had run. */
    @Label("Elapsed")
    @Description("How long the call had run")
    @Timespan(Timespan.NANOSECONDS)
    public long elapsed;

    /** The thread running the call (the event itself is written by the watchdog's thread). */
    @Label("Call Thread")
    @Description("The thread running the call")
    public Thread callThread;

    /** Where the call was when the limit passed. */
    @Label("Stack")
    @Description("Where the call was when the limit passed")
    public String stack;
}
