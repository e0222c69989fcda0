package dev.toolwarden.cache;

import java.util.Arrays;
import java.util.Objects;

/**
 * The cache key of a call of a woven {@code @Cached} method: the method and the values of its key
 * parameters ({@code @CacheKey} ones, all when none is marked, and always the {@code @UserId},
 * {@code @SessionId} and {@code @ConversationId} ones). Arrays compare by content, nested ones too.
 *
 * <p>Built on every call of a cached method, so it is small: the hash is computed once, one value
 * is held without an array.
 */
public final class MethodKey {

    private static final Object[] NO_VALUES = new Object[0];

    private final int method;
    private final Object value;
    private final Object[] values;
    private final int hash;
    /** Whether the single value is an array, compared by content: the common case (a String) skips that. */
    private final boolean array;

    private MethodKey(int method, Object value, Object[] values) {
        this.method = method;
        this.value = value;
        this.values = values;
        this.array = value != null && value.getClass().isArray();
        int h = 31 * method;
        if (values != null) {
            h += Arrays.deepHashCode(values);
        } else if (value != null) {
            h += array ? Arrays.deepHashCode(new Object[] {value}) : value.hashCode();
        }
        this.hash = h;
    }

    /**
     * @param method the woven method's id
     * @param arguments the call's arguments
     * @param parameters the indexes of the key parameters, or {@code null} for all of them
     * @return the key
     */
    public static MethodKey of(int method, Object[] arguments, int[] parameters) {
        int n = parameters == null ? arguments.length : parameters.length;
        if (n == 0) {
            return new MethodKey(method, null, NO_VALUES);
        }
        if (n == 1) {
            return new MethodKey(method, arguments[parameters == null ? 0 : parameters[0]], null);
        }
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            values[i] = arguments[parameters == null ? i : parameters[i]];
        }
        return new MethodKey(method, null, values);
    }

    /** @return the woven method's id */
    public int method() {
        return method;
    }

    /** @return the key values, in order (a new array) */
    public Object[] values() {
        return values != null ? values.clone() : hashOnly(value);
    }

    private static Object[] hashOnly(Object value) {
        return new Object[] {value};
    }

    /**
     * The key of this entry in the shared second-level cache, set by the call that computed the
     * entry (or {@code null}: the entry is in this JVM only). Other instances name entries by it
     * when they invalidate one.
     */
    private volatile String shared;

    /** @return the entry's key in the shared cache, or {@code null} */
    public String shared() {
        return shared;
    }

    /** @param key the entry's key in the shared cache */
    public void shared(String key) {
        this.shared = key;
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
        if (method != k.method || hash != k.hash) {
            return false;
        }
        if (values != null) {
            return Arrays.deepEquals(values, k.values);
        }
        if (k.values != null) {
            return false;
        }
        return array ? Objects.deepEquals(value, k.value) : Objects.equals(value, k.value);
    }

    @Override
    public String toString() {
        return "MethodKey[" + method + ": " + (values != null ? Arrays.deepToString(values)
                : value != null && value.getClass().isArray() ? Arrays.deepToString(new Object[] {value})
                : String.valueOf(value)) + "]";
    }
}
