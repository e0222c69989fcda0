package dev.toolwarden.cache;

/**
 * Computes a cached value again, for refresh-ahead: kept with the entry it computed. For a woven
 * method it calls the method's body with the arguments of the call that loaded the entry; for the
 * SDK's {@code get(category, key, loader)} it is the loader.
 */
@FunctionalInterface
public interface Reloader {

    /**
     * @return the new value; {@code null} removes the entry
     * @throws Throwable whatever computing it threw: the entry keeps its current value
     */
    Object reload() throws Throwable;
}
