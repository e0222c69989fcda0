package dev.toolwarden.jmx;

/**
 * One cache category of woven {@code @Cached} methods, as JConsole and JDK Mission Control show it:
 * {@code dev.toolwarden:type=Cache,name="<category>"}.
 */
public interface CacheMXBean {

    /** @return the category name */
    String getCategory();

    /** @return entries now */
    long getSize();

    /** @return look-ups that found an entry */
    long getHits();

    /** @return look-ups that found none */
    long getMisses();

    /** @return hits divided by look-ups */
    double getHitRate();

    /** @return entries removed by the bound or by expiry */
    long getEvictions();

    /** @return misses of this JVM's tier answered by the shared tier in Redis */
    long getL2Hits();

    /** @return look-ups of the shared tier that found nothing */
    long getL2Misses();

    /** @return look-ups the shared tier could not answer (Redis down or too slow) */
    long getL2Unavailable();

    /** @return values in the shared tier that did not decode (each a miss) */
    long getL2DecodeFailures();

    /** @return values computed for the cache */
    long getLoads();

    /** @return mean time of a load in milliseconds */
    double getMeanLoadMillis();

    /** Removes every entry of the category. */
    void invalidateAll();
}
