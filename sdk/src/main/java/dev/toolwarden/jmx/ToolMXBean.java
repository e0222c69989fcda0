package dev.toolwarden.jmx;

/**
 * One tool or chat handler, as JConsole and JDK Mission Control show it:
 * {@code dev.toolwarden:type=Tool,name="<tool name>"}. Times are in milliseconds; a figure that
 * was never measured is {@code -1}.
 */
public interface ToolMXBean {

    /** @return the tool or chat handler name */
    String getName();

    /** @return TOOL or CHAT */
    String getKind();

    /** @return calls that ended */
    long getCalls();

    /** @return calls that ended with an exception */
    long getErrors();

    /** @return calls that passed their hard limit */
    long getTimeouts();

    /** @return calls refused before they ran (concurrency bound, no free isolation worker) */
    long getRejected();

    /** @return calls answered by their fallback */
    long getFallbacks();

    /** @return mean call duration in milliseconds */
    double getMeanMillis();

    /** @return median call duration in milliseconds */
    double getP50Millis();

    /** @return 95th percentile call duration in milliseconds */
    double getP95Millis();

    /** @return 99th percentile call duration in milliseconds */
    double getP99Millis();

    /** @return longest call in milliseconds */
    double getMaxMillis();

    /** @return mean CPU time of a measured call in milliseconds, or -1 */
    double getMeanCpuMillis();

    /** @return mean bytes allocated by a measured call, or -1 */
    long getMeanAllocatedBytes();
}
