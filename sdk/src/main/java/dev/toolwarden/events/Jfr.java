package dev.toolwarden.events;

import jdk.jfr.FlightRecorder;

/**
 * Whether Toolwarden's events can be recorded now, asked before any event object is made.
 *
 * <p>Loading the first {@link jdk.jfr.Event} class initialises JFR's metadata (on JDK 17 about a
 * hundred classes and a tenth of a second of start-up), even when nothing will ever record. No
 * recording can run before the JVM's flight recorder is initialised, so Toolwarden loads its event
 * classes only after that: an application that never records never pays for them. A recording
 * started later (by {@code jcmd JFR.start}, say) initialises the recorder, and the next call sees it.
 */
public final class Jfr {

    private static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

    private Jfr() {
    }

    /** @return whether the flight recorder has been initialised, so that a recording may run */
    public static boolean started() {
        return PRESENT && FlightRecorder.isInitialized();
    }

    /** @return whether a recording takes {@code toolwarden.Execution} events now */
    public static boolean execution() {
        return started() && Probes.EXECUTION.isEnabled();
    }

    /** @return whether a recording takes {@code toolwarden.Timeout} events now */
    public static boolean timeout() {
        return started() && Probes.TIMEOUT.isEnabled();
    }

    /** @return whether a recording takes {@code toolwarden.ConversationMemory} events now */
    public static boolean conversationMemory() {
        return started() && Probes.CONVERSATION_MEMORY.isEnabled();
    }

    /** @return whether a recording takes {@code toolwarden.CacheStatistics} events now */
    public static boolean cacheStatistics() {
        return started() && Probes.CACHE_STATISTICS.isEnabled();
    }

    /** @return whether a recording takes {@code toolwarden.ConnectionPool} events now */
    public static boolean connectionPool() {
        return started() && Probes.CONNECTION_POOL.isEnabled();
    }

    /** @return whether a recording takes {@code toolwarden.SystemResources} events now */
    public static boolean systemResources() {
        return started() && Probes.SYSTEM_RESOURCES.isEnabled();
    }

    /** @return whether a recording takes {@code toolwarden.ResourceAlert} events now */
    public static boolean resourceAlert() {
        return started() && Probes.RESOURCE_ALERT.isEnabled();
    }

    /**
     * One object of each event type, asked {@link jdk.jfr.Event#isEnabled()}: on an event class
     * that JFR has instrumented that is a read of a flag, with no allocation. Loaded (with the event
     * classes) at the first question asked after the recorder started.
     */
    private static final class Probes {
        static final ExecutionEvent EXECUTION = new ExecutionEvent();
        static final TimeoutEvent TIMEOUT = new TimeoutEvent();
        static final ConversationMemoryEvent CONVERSATION_MEMORY = new ConversationMemoryEvent();
        static final CacheStatisticsEvent CACHE_STATISTICS = new CacheStatisticsEvent();
        static final ConnectionPoolEvent CONNECTION_POOL = new ConnectionPoolEvent();
        static final SystemResourcesEvent SYSTEM_RESOURCES = new SystemResourcesEvent();
        static final ResourceAlertEvent RESOURCE_ALERT = new ResourceAlertEvent();
    }
}
