package com.example.apps;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * A container that loads a web application child-first, with the application's own copy of the
 * SDK (the Toolwarden API and annotations) in its class path: {@code args[0]} is that copy.
 */
public class ChildFirst {

    /** A base that declares no {@code loadClass}, as a container's loaders often have. */
    abstract static class WebappLoaderBase extends URLClassLoader {
        WebappLoaderBase(URL[] urls, ClassLoader parent) {
            super("webapp", urls, parent);
        }
    }

    /** Looks in its own class path before its parent, but for the JDK's packages, as servlet containers do. */
    static final class ChildFirstLoader extends WebappLoaderBase {
        ChildFirstLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && !name.startsWith("java.") && !name.startsWith("javax.") && !name.startsWith("jdk.")
                        && !name.startsWith("sun.")) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        // not the application's: the parent's
                    }
                }
                if (c == null) {
                    c = super.loadClass(name, false);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        URL classes = ChildFirst.class.getProtectionDomain().getCodeSource().getLocation();
        URL sdk = Path.of(args[0]).toUri().toURL();
        try (URLClassLoader webapp = new ChildFirstLoader(new URL[] {classes, sdk}, ChildFirst.class.getClassLoader())) {
            Class<?> type = webapp.loadClass("com.example.apps.ChildFirstTools");
            Object tools = type.getConstructor().newInstance();
            Out.result("ownLoader", type.getClassLoader() == webapp);
            Out.result("annotationLoader", type.getMethod("annotationLoader").invoke(tools));
            Out.result("plain", type.getMethod("plain", String.class).invoke(tools, "a"));
            long start = System.nanoTime();
            Out.result("guarded", type.getMethod("guarded", String.class).invoke(tools, "b"));
            Out.result("guardedMillis", (System.nanoTime() - start) / 1_000_000);
            Out.result("seenInside", type.getMethod("seenTools").invoke(tools));
        }
        Out.statistics();
    }
}
