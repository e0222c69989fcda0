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

    /** Look-ups answered by the shared tier in Redis. */
    @Label("L2 Hits")
    @Description("Misses of this JVM's tier answered from Redis")
    public long l2Hits;

    /** Look-ups of the shared tier that found nothing. */
    @Label("L2 Misses")
    @Description("Look-ups of Redis that found nothing")
    public long l2Misses;

    /** Look-ups the shared tier could not answer. */
    @Label("L2 Unavailable")
    @Description("Look-ups Redis could not answer (down or too slow): the calls ran without it")
    public long l2Unavailable;

    /** Values in the shared tier that did not decode. */
    @Label("L2 Decode Failures")
    @Description("Values in Redis that did not decode, each treated as a miss")
    public long l2DecodeFailures;
}
