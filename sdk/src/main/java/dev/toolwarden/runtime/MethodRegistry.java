package dev.toolwarden.runtime;

import java.util.Arrays;

/**
 * Woven methods by the id the agent compiled into their advice. Registration happens at weave time
 * under a lock; lookups on every call read a volatile array with no lock.
 */
final class MethodRegistry {

    private volatile WovenMethod[] methods = new WovenMethod[64];
    private int size;

    synchronized int add(WovenMethod m) {
        WovenMethod[] current = methods;
        if (size == current.length) {
            current = Arrays.copyOf(current, size * 2);
        }
        current[size] = m;
        methods = current;
        return size++;
    }

    WovenMethod get(int id) {
        WovenMethod[] current = methods;
        return id >= 0 && id < current.length ? current[id] : null;
    }
}
