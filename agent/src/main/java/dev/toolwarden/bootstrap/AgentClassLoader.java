package dev.toolwarden.bootstrap;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's implementation and libraries from the {@code inst/} folder of the agent jar,
 * where classes are stored as {@code .classdata} so that no other class loader can load them.
 * Parent-first: the JDK, and the API and bridge on the bootstrap class path, come from the parent.
 */
final class AgentClassLoader extends ClassLoader {

    private static final String PREFIX = "inst/";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;
    private final ProtectionDomain domain;

    AgentClassLoader(File jarFile, ClassLoader parent) throws IOException {
        super("toolwarden", parent);
        this.jar = new JarFile(jarFile, false);
        this.jarUrl = jarFile.toURI().toURL().toExternalForm();
        this.domain = new ProtectionDomain(new CodeSource(jarFile.toURI().toURL(), (Certificate[]) null), null, this,
                null);
    }

    /**
     * The agent's own classes are defined here without asking the parents first: they are not
     * there (the bootstrap path holds only the API, and no {@code .classdata}), and asking costs a
     * search of the bootstrap path and a {@code ClassNotFoundException} per class, some thousand at
     * start-up. Everything else goes to the parent.
     */
    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        JarEntry entry = jar.getJarEntry(entryName(name));
        if (entry == null) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = define(name, entry);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry entry = jar.getJarEntry(entryName(name));
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        return define(name, entry);
    }

    private static String entryName(String className) {
        return PREFIX + className.replace('.', '/') + ".classdata";
    }

    private Class<?> define(String name, JarEntry entry) throws ClassNotFoundException {
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            long size = entry.getSize();
            // The size is in the jar's directory: one array of the right length, filled by one read loop.
            bytes = size >= 0 && size < Integer.MAX_VALUE ? in.readNBytes((int) size) : in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            String pkg = name.substring(0, dot);
            if (getDefinedPackage(pkg) == null) {
                try {
                    definePackage(pkg, null, null, null, null, null, null, null);
                } catch (IllegalArgumentException e) {
                    // defined meanwhile by another thread
                }
            }
        }
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    @Override
    protected URL findResource(String name) {
        String entryName = resourceEntryName(name);
        if (jar.getJarEntry(entryName) == null) {
            return null;
        }
        try {
            return new URL("jar:" + jarUrl + "!/" + entryName);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    /**
     * Reads the agent's own resources straight from the open jar, without the {@code jar:} URL
     * machinery, and before the parent's (the JDK's): a name both have is the agent's library's own
     * resource, as its classes come first (unlike {@link #getResource}, which keeps the JDK's order).
     */
    @Override
    public InputStream getResourceAsStream(String name) {
        // The agent's own resources first, as its classes (see loadClass): asking the parents first searched
        // the bootstrap path and the JDK's modules for every one (a few ms at start-up, for the version line).
        JarEntry entry = jar.getJarEntry(resourceEntryName(name));
        if (entry == null) {
            return getParent().getResourceAsStream(name);
        }
        try {
            return jar.getInputStream(entry);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }

    private static String resourceEntryName(String resource) {
        String r = resource.startsWith("/") ? resource.substring(1) : resource;
        if (r.endsWith(".class")) {
            r = r.substring(0, r.length() - ".class".length()) + ".classdata";
        }
        return PREFIX + r;
    }
}
