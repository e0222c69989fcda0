package dev.toolwarden.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Periodic statistics of a cache category.
 *
 * <p>Its name and fields are a contract (SPEC section 8): the report command and users' own tools
 * read them. Emitted by the component that watches the resource.
 */
@Name(CacheStatisticsEvent.NAME)
@Label("Cache Statistics")
@Category("Toolwarden")
@Description("Periodic statistics of a cache category")
@StackTrace(false)
public final class CacheStatisticsEvent extends jdk.jfr.Event {

    /** The event's name in recordings. */
    public static final String NAME = "toolwarden.CacheStatistics";

    /** The cache category. */
    @Label("Category")
    @Description("The cache category")
    public String category;

    /** Entries. */
    @Label("Size")
    @Description("Entries")
    public long size;

    /** Hits since start. */
    @Label("Hits")
    @Description("Hits since start")
    public long hits;

    /** Misses since start. */
    @Label("Misses")
    @Description("Misses since start")
    public long misses;

    /** Evictions since start. */
    @Label("Evictions")
    @Description("Evictions since start")
    public long evictions;
}
