package dev.toolwarden.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Periodic sample of a connection pool.
 *
 * <p>Its name and fields are a contract (SPEC section 8): the report command and users' own tools
 * read them. Emitted by the component that watches the resource.
 */
@Name(ConnectionPoolEvent.NAME)
@Label("Connection Pool")
@Category("Toolwarden")
@Description("Periodic sample of a connection pool")
@StackTrace(false)
public final class ConnectionPoolEvent extends jdk.jfr.Event {

    /** The event's name in recordings. */
    public static final String NAME = "toolwarden.ConnectionPool";

    /** The pool's name. */
    @Label("Pool")
    @Description("The pool's name")
    public String pool;

    /** Connections in use. */
    @Label("Active")
    @Description("Connections in use")
    public int active;

    /** Idle connections. */
    @Label("Idle")
    @Description("Idle connections")
    public int idle;

    /** Open connections. */
    @Label("Total")
    @Description("Open connections")
    public int total;

    /** The pool's maximum size. */
    @Label("Max")
    @Description("The pool's maximum size")
    public int max;

    /** Threads waiting for a connection. */
    @Label("Waiting")
    @Description("Threads waiting for a connection")
    public int waiting;
}
