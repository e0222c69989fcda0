package dev.toolwarden.runtime;

import java.util.Arrays;

/**
 * Woven methods by the id the agent compiled into their advice. Registration happens at weave time
 * under a lock; lookups on every call read a volatile array with no lock. A method woven again (its
 * class retransformed, or loaded again by another class loader) gets the id it had, so the
 * registry grows with the number of distinct methods, not of weavings.
 */
final class MethodRegistry {

    private volatile WovenMethod[] methods = new WovenMethod[64];
    private final java.util.Map<MethodDescriptor, Integer> ids = new java.util.HashMap<>();
    private int size;

    /**
     * @param descriptor a method
     * @return its id, or {@code null} if it is not registered; the caller holds this registry's lock
     *     and {@linkplain #add adds} it if not
     */
    Integer known(MethodDescriptor descriptor) {
        assert Thread.holdsLock(this);
        return ids.get(descriptor);
    }

    /**
     * @param descriptor a method not yet {@linkplain #known known}
     * @param m what its calls use
     * @return its new id; the caller holds this registry's lock
     */
    int add(MethodDescriptor descriptor, WovenMethod m) {
        assert Thread.holdsLock(this);
        WovenMethod[] current = methods;
        if (size == current.length) {
            current = Arrays.copyOf(current, size * 2);
        }
        m.id = size;
        current[size] = m;
        methods = current;
        ids.put(descriptor, size);
        return size++;
    }

    /** @return every registered method */
    synchronized java.util.List<WovenMethod> all() {
        return java.util.Arrays.asList(Arrays.copyOf(methods, size));
    }

    WovenMethod get(int id) {
        WovenMethod[] current = methods;
        return id >= 0 && id < current.length ? current[id] : null;
    }
}
