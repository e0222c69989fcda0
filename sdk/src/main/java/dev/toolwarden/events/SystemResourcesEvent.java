package dev.toolwarden.events;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Percentage;
import jdk.jfr.StackTrace;

/**
 * Periodic sample of CPU and memory.
 *
 * <p>Its name and fields are a contract (SPEC section 8): the report command and users' own tools
 * read them. CPU loads are fractions from 0 to 1, as JFR's {@code @Percentage} expects. Emitted
 * by the resource monitor.
 */
@Name(SystemResourcesEvent.NAME)
@Label("System Resources")
@Category("Toolwarden")
@Description("Periodic sample of CPU and memory")
@StackTrace(false)
public final class SystemResourcesEvent extends jdk.jfr.Event {

    /** The event's name in recordings. */
    public static final String NAME = "toolwarden.SystemResources";

    /** System CPU load. */
    @Label("System CPU")
    @Description("System CPU load")
    @Percentage
    public double systemCpu;

    /** This process's CPU load. */
    @Label("Process CPU")
    @Description("This process's CPU load")
    @Percentage
    public double processCpu;

    /** System memory in use. */
    @Label("Memory Used")
    @Description("System memory in use")
    @DataAmount
    public long memoryUsed;

    /** System memory. */
    @Label("Memory Total")
    @Description("System memory")
    @DataAmount
    public long memoryTotal;

    /** JVM heap in use. */
    @Label("Heap Used")
    @Description("JVM heap in use")
    @DataAmount
    public long heapUsed;

    /** JVM heap limit. */
    @Label("Heap Max")
    @Description("JVM heap limit")
    @DataAmount
    public long heapMax;
}
