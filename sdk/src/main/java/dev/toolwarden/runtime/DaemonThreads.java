package dev.toolwarden.runtime;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads Toolwarden starts: daemons, so that they never keep the JVM alive, named
 * {@code toolwarden-...} so that thread dumps say whose they are, and with Toolwarden's own class
 * loader as context loader, never the creating thread's (a web application's, say, which would
 * then stay pinned in memory for as long as the thread lives), and none of the creating thread's
 * access-control context either.
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
        return new Factory(name, numbered);
    }

    /**
     * Up to JDK 23 a new thread keeps the access-control context of the code that creates it: the
     * protection domains, and so the class loaders, of every class on the creating thread's stack.
     * Toolwarden's threads are often created on an application thread, inside a woven method of a web
     * application (the watchdog at the first call, pool workers on demand): created as a privileged
     * action, a thread keeps only Toolwarden's own domain, and the web application can be unloaded.
     * A class rather than lambdas: the agent makes its first threads while the JVM starts, where
     * every lambda links a call site (README, "Start-up").
     */
    private static final class Factory implements ThreadFactory {
        private final String name;
        private final boolean numbered;
        private final AtomicInteger count = new AtomicInteger();

        Factory(String name, boolean numbered) {
            this.name = name;
            this.numbered = numbered;
        }

        @Override
        @SuppressWarnings("removal")
        public Thread newThread(Runnable r) {
            return java.security.AccessController.doPrivileged(new Create(r, numbered ? name + "-" + count.incrementAndGet() : name));
        }
    }

    /** Makes one thread, as a privileged action. */
    private static final class Create implements java.security.PrivilegedAction<Thread> {
        private final Runnable task;
        private final String name;

        Create(Runnable task, String name) {
            this.task = task;
            this.name = name;
        }

        @Override
        public Thread run() {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.setContextClassLoader(DaemonThreads.class.getClassLoader());
            return t;
        }
    }
}
