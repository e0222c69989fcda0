package dev.toolwarden.agent.matching;

import dev.toolwarden.config.Configuration;
import dev.toolwarden.config.Keys;
import dev.toolwarden.config.MethodPattern;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rejects, before the weaver reads anything, the classes that cannot contain a woven method: by
 * name (the JDK, the agent itself, {@code include}/{@code exclude}), and by the class file's
 * constant pool. An annotation that a class uses has its type's descriptor as an entry of the
 * pool, so a class whose pool holds no marker's descriptor, and that no method pattern names,
 * needs no closer look. Most classes an application loads end here. The pool is read once per
 * class ({@link #constants}), for the markers and for {@code loadClass} together, skipping every
 * entry but the strings whose length is one of theirs.
 */
public final class ClassPrefilter {

    private static final String[] ALWAYS_SKIPPED = {
        "java/", "javax/", "jdk/", "sun/", "com/sun/", "net/bytebuddy/", "dev/toolwarden/annotation/",
        "dev/toolwarden/bootstrap/", "dev/toolwarden/agent/", "dev/toolwarden/runtime/", "dev/toolwarden/config/",
        "dev/toolwarden/accounting/", "dev/toolwarden/events/", "dev/toolwarden/log/", "dev/toolwarden/cli/",
        "jdk/internal/"
    };

    private final String[] include;
    private final String[] exclude;
    private final byte[][] needles;
    /** {@code byLength[n]}: whether a marker's descriptor, or {@code loadClass}, is {@code n} bytes long. */
    private final boolean[] byLength;
    private final List<MethodPattern> patterns;
    /** Internal names of class loader classes: the JDK's that applications extend, and those found since. */
    private final Set<String> loaders = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final byte[] LOAD_CLASS = "loadClass".getBytes(StandardCharsets.ISO_8859_1);

    /** In {@link #constants}: the pool names a marker annotation. */
    public static final int MARKER = 1;
    /** In {@link #constants}: the pool holds the string {@code loadClass}. */
    public static final int LOADS_CLASSES = 2;

    /**
     * @param configuration the agent's settings
     * @param markers annotation names that mark woven methods
     */
    public ClassPrefilter(Configuration configuration, Set<String> markers) {
        this.include = internalPrefixes(configuration.get(Keys.INCLUDE));
        this.exclude = internalPrefixes(configuration.get(Keys.EXCLUDE));
        this.patterns = configuration.get(Keys.METHODS);
        List<byte[]> n = new ArrayList<>();
        for (String marker : markers) {
            n.add(("L" + marker.replace('.', '/') + ";").getBytes(StandardCharsets.UTF_8));
        }
        this.needles = n.toArray(new byte[0][]);
        loaders.addAll(List.of("java/lang/ClassLoader", "java/security/SecureClassLoader", "java/net/URLClassLoader"));
        int longest = LOAD_CLASS.length;
        for (byte[] needle : needles) {
            longest = Math.max(longest, needle.length);
        }
        this.byLength = new boolean[longest + 1];
        byLength[LOAD_CLASS.length] = true;
        for (byte[] needle : needles) {
            byLength[needle.length] = true;
        }
    }

    /**
     * Reads the class file's constant pool once: its string entries of a length that a marker's
     * descriptor or {@code loadClass} has are compared with them; every other entry is skipped by its
     * tag. A class file that cannot be read this way (cut short, an unknown tag) answers both, and the
     * weaver's full reading decides.
     *
     * @param classFile a class file
     * @return {@link #MARKER} and/or {@link #LOADS_CLASSES}, or 0
     */
    public int constants(byte[] classFile) {
        int all = MARKER | LOADS_CLASSES;
        if (classFile == null || classFile.length < 10) {
            return all;
        }
        int count = ((classFile[8] & 0xff) << 8) | (classFile[9] & 0xff);
        int p = 10;
        int found = 0;
        boolean[] lengths = byLength;
        for (int i = 1; i < count; i++) {
            if (p >= classFile.length) {
                return all;
            }
            switch (classFile[p]) {
                case 1 -> { // Utf8
                    if (p + 3 > classFile.length) {
                        return all;
                    }
                    int length = ((classFile[p + 1] & 0xff) << 8) | (classFile[p + 2] & 0xff);
                    int start = p + 3;
                    p = start + length;
                    if (length < lengths.length && lengths[length] && p <= classFile.length) {
                        found |= match(classFile, start, length);
                        if (found == all) {
                            return all;
                        }
                    }
                }
                case 7, 8, 16, 19, 20 -> p += 3; // Class, String, MethodType, Module, Package
                case 3, 4, 9, 10, 11, 12, 17, 18 -> p += 5; // Integer, Float, refs, NameAndType, (Invoke)Dynamic
                case 15 -> p += 4; // MethodHandle
                case 5, 6 -> { // Long, Double: two slots
                    p += 9;
                    i++;
                }
                default -> {
                    return all;
                }
            }
        }
        // The class's access flags, this and super follow the pool: a file that ends before them was cut short.
        return count == 0 || p + 6 > classFile.length ? all : found;
    }

    private int match(byte[] classFile, int start, int length) {
        if (length == LOAD_CLASS.length && same(classFile, start, LOAD_CLASS)) {
            return LOADS_CLASSES;
        }
        for (byte[] needle : needles) {
            if (needle.length == length && same(classFile, start, needle)) {
                return MARKER;
            }
        }
        return 0;
    }

    private static boolean same(byte[] classFile, int start, byte[] expected) {
        for (int i = expected.length - 1; i >= 0; i--) {
            if (classFile[start + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param internalName the class's internal name ({@code com/acme/Calc}), or {@code null} for a hidden class
     * @param classFile the class file's bytes
     * @return whether the class may contain a woven method and deserves parsing
     */
    public boolean mayWeave(String internalName, byte[] classFile) {
        return classFile != null && mayWeave(internalName, constants(classFile));
    }

    /**
     * @param internalName the class's internal name ({@code com/acme/Calc}), or {@code null} for a hidden class
     * @param constants what {@link #constants} found in its class file
     * @return whether the class may contain a woven method and deserves parsing
     */
    public boolean mayWeave(String internalName, int constants) {
        if (internalName == null) {
            return false;
        }
        for (String skipped : ALWAYS_SKIPPED) {
            if (internalName.startsWith(skipped)) {
                return false;
            }
        }
        if (include.length > 0 && !startsWithAny(internalName, include)) {
            return false;
        }
        if (startsWithAny(internalName, exclude)) {
            return false;
        }
        if (!patterns.isEmpty()) {
            String dotted = internalName.replace('/', '.');
            for (MethodPattern p : patterns) {
                if (p.mayMatchType(dotted)) {
                    return true;
                }
            }
        }
        return (constants & MARKER) != 0;
    }

    /**
     * Whether a class is a class loader of the application's that declares a {@code loadClass}
     * method, which then gets the boot delegation for Toolwarden's API ({@code BootDelegationAdvice}).
     * Decided from class files: the class's own, and its super classes' read through its loader as
     * resources (the JVM hands a class to the transformer before it loads its super class). No class
     * is loaded to decide; a class whose bytes do not name {@code loadClass} is answered at once.
     *
     * @param internalName the class's internal name, or {@code null} for a hidden class
     * @param classFile its class file
     * @param loaded the class itself when it is being retransformed, else {@code null}
     * @param loader the class's loader, which can read its super classes' class files
     * @return whether it extends {@link ClassLoader} and declares {@code loadClass}
     */
    public boolean isClassLoader(String internalName, byte[] classFile, Class<?> loaded, ClassLoader loader) {
        return classFile != null && isClassLoader(internalName, classFile, constants(classFile), loaded, loader);
    }

    /**
     * {@link #isClassLoader(String, byte[], Class, ClassLoader)} with the class file's {@link #constants} read already.
     *
     * @param internalName the class's internal name, or {@code null} for a hidden class
     * @param classFile its class file
     * @param constants what {@link #constants} found in it
     * @param loaded the class itself when it is being retransformed, else {@code null}
     * @param loader the class's loader
     * @return whether it extends {@link ClassLoader} and declares {@code loadClass}
     */
    public boolean isClassLoader(String internalName, byte[] classFile, int constants, Class<?> loaded,
            ClassLoader loader) {
        if (internalName == null || classFile == null || (constants & LOADS_CLASSES) == 0) {
            return false;
        }
        for (String skipped : ALWAYS_SKIPPED) {
            if (internalName.startsWith(skipped)) {
                return false;
            }
        }
        if (!ClassFiles.declaresMethod(classFile, "loadClass")) {
            return false;
        }
        if (loaded != null) {
            return ClassLoader.class.isAssignableFrom(loaded);
        }
        return extendsClassLoader(internalName, classFile, loader, 0);
    }

    private boolean extendsClassLoader(String internalName, byte[] classFile, ClassLoader loader, int depth) {
        String superName = ClassFiles.superName(classFile);
        if (superName == null || depth > 32) {
            return false;
        }
        if (loaders.contains(superName)) {
            loaders.add(internalName);
            return true;
        }
        if (superName.startsWith("java/") || loader == null) {
            return false; // Object, or a JDK class that is not one of the loaders applications extend
        }
        byte[] superFile = ClassFiles.read(loader, superName);
        if (superFile != null && extendsClassLoader(superName, superFile, loader, depth + 1)) {
            loaders.add(internalName);
            return true;
        }
        return false;
    }

    private static boolean startsWithAny(String name, String[] prefixes) {
        for (String p : prefixes) {
            if (name.startsWith(p) && (p.endsWith("/") || name.length() == p.length()
                    || name.charAt(p.length()) == '/' || name.charAt(p.length()) == '$')) {
                return true;
            }
        }
        return false;
    }

    private static String[] internalPrefixes(List<String> packages) {
        String[] out = new String[packages.size()];
        for (int i = 0; i < out.length; i++) {
            String p = packages.get(i).replace('.', '/');
            out[i] = p;
        }
        return out;
    }
}
