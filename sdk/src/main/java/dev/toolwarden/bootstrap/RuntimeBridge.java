package dev.toolwarden.bootstrap;

import dev.toolwarden.ConversationStatistics;
import dev.toolwarden.ToolStatistics;
import java.util.List;

/**
 * What the Toolwarden runtime offers to woven code and to the public API. Only types that every
 * class loader can see (the JDK's and this API's) cross this interface, because the runtime lives
 * in the agent's own class loader while woven classes and the application live in theirs.
 *
 * <p>Not for application use: applications call {@link dev.toolwarden.Toolwarden}.
 */
public interface RuntimeBridge {

    /**
     * Starts accounting a call of a woven method. Never throws.
     *
     * @param method the id the agent gave the method when it wove it
     * @param conversation the {@code @ConversationId} argument, or {@code null}
     * @param arguments the call's arguments when events record them, otherwise {@code null}
     * @return the call's context, to be passed to {@link #exit}; {@code null} when the call is not
     *     accounted; a {@link dev.toolwarden.ResourceExhaustedException} when the call is refused
     *     (woven code throws it, and the body does not run)
     */
    Object enter(int method, Object conversation, Object[] arguments);

    /**
     * Ends accounting a call. Never throws.
     *
     * @param context what {@link #enter} returned
     * @param thrown what the body threw, or {@code null}
     * @return what the caller gets thrown instead of the call's own result (a
     *     {@link dev.toolwarden.ToolTimeoutException} for a call that passed its hard limit), or
     *     {@code null} to leave the call's result as it is
     */
    Throwable exit(Object context, Throwable thrown);

    /**
     * Starts a call of a guarded woven method: one with a fallback, a concurrency bound, isolation
     * or an asynchronous result. Never throws.
     *
     * @param method the method's id
     * @param conversation the {@code @ConversationId} argument, or {@code null}
     * @param self the receiver, or {@code null} for a static method
     * @param arguments the arguments, when the method's flags ask for them, otherwise {@code null}
     * @param body a handle that runs the method's own body (isolated methods), or {@code null}
     * @return the call's context; a {@link Completion} when the body must not run here (woven code
     *     then skips it and applies the completion on exit); {@code null} when the call is not accounted
     */
    Object enterGuarded(int method, Object conversation, Object self, Object[] arguments,
            java.lang.invoke.MethodHandle body);

    /**
     * Ends a call of a guarded woven method. Never throws.
     *
     * @param context what {@link #enterGuarded} returned
     * @param returned the returned value, when the method's flags ask for it, otherwise {@code null}
     * @param thrown what the body threw, or {@code null}
     * @param self the receiver, or {@code null}
     * @param arguments the arguments, when the method's flags ask for them, otherwise {@code null}
     * @param fallback a handle on the method's fallback, or {@code null}
     * @return how the call ends instead of the body's own result, or {@code null} to leave it
     */
    Completion exitGuarded(Object context, Object returned, Throwable thrown, Object self, Object[] arguments,
            java.lang.invoke.MethodHandle fallback);

    /**
     * Calls the fallback of a call that {@link Completion#fallbackWanted() wants one}, on the
     * caller's thread, and finishes the call's accounting. Never throws.
     *
     * @param pending the completion that asked for the fallback
     * @param self the receiver, or {@code null}
     * @param arguments the call's arguments
     * @param fallback a handle on the fallback method, or {@code null}
     * @return how the call ends: the fallback's value, or what it threw
     */
    Completion fallback(Completion pending, Object self, Object[] arguments, java.lang.invoke.MethodHandle fallback);

    /** @return the figures of every cache category of woven methods */
    List<dev.toolwarden.CacheStatistics> cacheStatistics();

    /** @param category a category whose entries are removed, or {@code null} for all of them */
    void invalidateCache(String category);

    /**
     * Removes cached results of a woven tool.
     *
     * @param tool the tool or chat handler name
     * @param keyArguments the values of its key parameters, in order, or {@code null} for all its entries
     * @return entries removed (with {@code null}: methods whose entries were dropped)
     */
    int invalidateCache(String tool, Object[] keyArguments);

    /** @param codec carries its type's cached results to and from the shared tier in Redis */
    void registerCodec(dev.toolwarden.ValueCodec<?> codec);

    /** @return the resource monitor's latest sample, or {@code null} when no monitor runs */
    dev.toolwarden.ResourceUsage resources();

    /** @return the memory, CPU and conversation alerts that hold now */
    List<dev.toolwarden.Alert> activeAlerts();

    /** @return tool calls shed since start-up because a hard memory or CPU limit held */
    long shedCalls();

    /**
     * @param conversationId a conversation
     * @param bytes the memory its context holds now
     */
    void recordConversationMemory(String conversationId, long bytes);

    /** @param conversationId a conversation to forget, with its memory and limits */
    void clearConversation(String conversationId);

    /** @param dataSource a {@code HikariDataSource} the application created, to watch */
    void dataSourceCreated(Object dataSource);

    /**
     * @param pool a {@code com.zaxxer.hikari.pool.HikariPool} that tops itself up (its housekeeping runs
     *     every 30 s): how pools made before an attach are found; one already watched is ignored
     */
    void poolSeen(Object pool);

    /** @return the watched connection pools' latest figures */
    List<dev.toolwarden.PoolStatistics> pools();

    /** @return every tool's totals over every run the metrics database remembers, this one included */
    List<ToolStatistics> allTimeStatistics();

    /**
     * @param candidates tool names
     * @return them ordered by recorded performance, best first
     */
    List<dev.toolwarden.RankedTool> rankTools(List<String> candidates);

    /** @return the isolation workers' figures */
    dev.toolwarden.IsolationStatistics isolation();

    /** @return a snapshot of every tool's and chat handler's aggregates */
    List<ToolStatistics> statistics();

    /**
     * @param conversationId a conversation id
     * @return the conversation's snapshot, or {@code null} when it is unknown or was cleaned up
     */
    ConversationStatistics conversation(String conversationId);

    /** @return errors inside Toolwarden that were caught and kept from the application */
    long internalErrors();

    /** @return whether this runtime was installed by the agent (rather than the SDK alone) */
    boolean agentAttached();

    /** @return woven calls running now, on all threads */
    int callsInFlight();

    /** @param listener receives alerts from now on */
    void addAlertListener(dev.toolwarden.AlertListener listener);

    /** @param listener no longer receives alerts */
    void removeAlertListener(dev.toolwarden.AlertListener listener);
}
