package dev.toolwarden.runtime;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads Toolwarden starts: daemons, so that they never keep the JVM alive, named
 * {@code toolwarden-...} so that thread dumps say whose they are, and with Toolwarden's own class
 * loader as context loader, never the creating thread's (a web application's, say, which would
 * then stay pinned in memory for as long as the thread lives).
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /**
     * @param name the threads' name; with {@code numbered}, followed by {@code -1}, {@code -2}, ...
     * @param numbered whether each thread gets a number
     * @return a factory of such threads
     */
    public static ThreadFactory named(String name, boolean numbered) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, numbered ? name + "-" + count.incrementAndGet() : name);
            t.setDaemon(true);
            t.setContextClassLoader(DaemonThreads.class.getClassLoader());
            return t;
        };
    }
}
