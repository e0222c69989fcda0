package dev.toolwarden.cache;

import java.util.Collection;
import java.util.Map;

/**
 * A rough estimate of the bytes a cached value holds, for categories bounded by
 * {@code toolwarden.cache.<category>.max-bytes}. Strings, byte and char arrays, boxed numbers and
 * the collections and maps that hold them are estimated from their sizes; any other object counts
 * as {@link #UNKNOWN_OBJECT} bytes, since walking an application's object graph on every write
 * would cost more than the bound saves. Applications that cache large objects of their own give
 * {@link PerformanceCache.Builder#maximumWeight} a weigher that knows them.
 */
public final class Weights {

    /** What an object of unknown shape is taken to weigh. */
    public static final int UNKNOWN_OBJECT = 64;
    private static final int HEADER = 16;
    private static final int MAX_DEPTH = 3;

    private Weights() {
    }

    /**
     * @param value a value
     * @return its estimated size in bytes, at least 1
     */
    public static int estimate(Object value) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, estimate(value, 0)));
    }

    private static long estimate(Object value, int depth) {
        if (value == null) {
            return 0;
        }
        if (value instanceof String) {
            return HEADER + 24 + ((String) value).length();
        }
        if (value instanceof byte[]) {
            return HEADER + ((byte[]) value).length;
        }
        if (value instanceof char[]) {
            return HEADER + 2L * ((char[]) value).length;
        }
        if (value instanceof CharSequence) {
            return HEADER + 24 + 2L * ((CharSequence) value).length();
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof Character) {
            return HEADER + 8;
        }
        if (depth < MAX_DEPTH && value instanceof Collection) {
            long sum = HEADER + 16;
            for (Object element : (Collection<?>) value) {
                sum += 8 + estimate(element, depth + 1);
            }
            return sum;
        }
        if (depth < MAX_DEPTH && value instanceof Map) {
            long sum = HEADER + 32;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                sum += 32 + estimate(e.getKey(), depth + 1) + estimate(e.getValue(), depth + 1);
            }
            return sum;
        }
        if (depth < MAX_DEPTH && value instanceof Object[]) {
            long sum = HEADER;
            for (Object element : (Object[]) value) {
                sum += 8 + estimate(element, depth + 1);
            }
            return sum;
        }
        return UNKNOWN_OBJECT;
    }
}
