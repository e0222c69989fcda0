package dev.toolwarden.cache;

import java.util.Arrays;
import java.util.Objects;

/**
 * The cache key of a call of a woven {@code @Cached} method: the method and the values of its key
 * parameters ({@code @CacheKey} ones, all when none is marked, and always the {@code @UserId},
 * {@code @SessionId} and {@code @ConversationId} ones). Arrays compare by content, nested ones too.
 * It also carries the method's time to live, which the category's expiry reads.
 *
 * <p>Built on every call of a cached method, so it is small: the hash is computed once, one value
 * is held without an array.
 */
public final class MethodKey {

    private final int method;
    private final long ttlNanos;
    private final Object value;
    private final Object[] values;
    private final int hash;

    private MethodKey(int method, long ttlNanos, Object value, Object[] values) {
        this.method = method;
        this.ttlNanos = ttlNanos;
        this.value = value;
        this.values = values;
        int h = 31 * method;
        if (values != null) {
            h += Arrays.deepHashCode(values);
        } else if (value != null) {
            h += value.getClass().isArray() ? Arrays.deepHashCode(new Object[] {value}) : value.hashCode();
        }
        this.hash = h;
    }

    /**
     * @param method the woven method's id
     * @param ttlNanos how long an entry of this method lives
     * @param arguments the call's arguments
     * @param parameters the indexes of the key parameters, or {@code null} for all of them
     * @return the key
     */
    public static MethodKey of(int method, long ttlNanos, Object[] arguments, int[] parameters) {
        int n = parameters == null ? arguments.length : parameters.length;
        if (n == 0) {
            return new MethodKey(method, ttlNanos, null, null);
        }
        if (n == 1) {
            return new MethodKey(method, ttlNanos, arguments[parameters == null ? 0 : parameters[0]], null);
        }
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            values[i] = arguments[parameters == null ? i : parameters[i]];
        }
        return new MethodKey(method, ttlNanos, null, values);
    }

    /** @return the woven method's id */
    public int method() {
        return method;
    }

    /** @return how long an entry of this key lives, in nanoseconds */
    public long ttlNanos() {
        return ttlNanos;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MethodKey)) {
            return false;
        }
        MethodKey k = (MethodKey) o;
        return method == k.method && hash == k.hash && Objects.deepEquals(value, k.value)
                && Arrays.deepEquals(values, k.values);
    }

    @Override
    public String toString() {
        return "MethodKey[" + method + ": " + (values != null ? Arrays.deepToString(values)
                : value != null && value.getClass().isArray() ? Arrays.deepToString(new Object[] {value})
                : String.valueOf(value)) + "]";
    }
}
