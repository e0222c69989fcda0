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

    /** @return values computed for the cache */
    long getLoads();

    /** @return mean time of a load in milliseconds */
    double getMeanLoadMillis();

    /** Removes every entry of the category. */
    void invalidateAll();
}
