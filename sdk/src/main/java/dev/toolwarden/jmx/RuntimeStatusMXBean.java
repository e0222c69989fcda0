package dev.toolwarden.jmx;

/** The Toolwarden runtime itself: {@code dev.toolwarden:type=Runtime}. */
public interface RuntimeStatusMXBean {

    /** @return whether the agent installed this runtime */
    boolean isAgentAttached();

    /** @return tools and chat handlers that have had a call */
    int getTools();

    /** @return conversations being tracked */
    long getConversations();

    /** @return woven calls running now */
    int getCallsInFlight();

    /** @return threads whose woven calls the watchdog watches */
    int getWatchedThreads();

    /** @return errors inside Toolwarden kept from the application */
    long getInternalErrors();

    /** @return isolated bodies still running after their caller got a timeout or fallback */
    int getAbandonedBodies();

    /** @return isolation worker threads running a body now */
    int getIsolationWorkersBusy();

    /** @return tool calls shed since start-up */
    long getShedCalls();

    /** @return the latest MEMORY figure (higher of system memory and heap held), %, or NaN */
    double getMemoryPercent();

    /** @return the latest machine CPU load, %, or NaN */
    double getCpuPercent();

    /** @return whether tool calls are being shed now */
    boolean isShedding();
}
