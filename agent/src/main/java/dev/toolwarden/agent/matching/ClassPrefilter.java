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
 * name (the JDK, the agent itself, {@code include}/{@code exclude}), and by searching the class
 * file's bytes for the descriptor of a marker annotation. An annotation that a class uses is
 * named in its constant pool, so a class whose bytes do not contain any marker's descriptor, and
 * that no method pattern names, needs no closer look. Most classes an application loads end here.
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
    private final int[][] shifts;
    private final List<MethodPattern> patterns;
    /** Internal names of class loader classes: the JDK's that applications extend, and those found since. */
    private final Set<String> loaders = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final byte[] LOAD_CLASS = "loadClass".getBytes(StandardCharsets.ISO_8859_1);
    private static final int[] LOAD_CLASS_SHIFTS = shiftTable(LOAD_CLASS);

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
        this.shifts = new int[needles.length][];
        for (int i = 0; i < needles.length; i++) {
            shifts[i] = shiftTable(needles[i]);
        }
    }

    /**
     * @param internalName the class's internal name ({@code com/acme/Calc}), or {@code null} for a hidden class
     * @param classFile the class file's bytes
     * @return whether the class may contain a woven method and deserves parsing
     */
    public boolean mayWeave(String internalName, byte[] classFile) {
        if (internalName == null || classFile == null) {
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
        for (int i = 0; i < needles.length; i++) {
            if (contains(classFile, needles[i], shifts[i])) {
                return true;
            }
        }
        return false;
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
        if (internalName == null || classFile == null || !contains(classFile, LOAD_CLASS, LOAD_CLASS_SHIFTS)) {
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

    static int[] shiftTable(byte[] needle) {
        int n = needle.length;
        int[] shift = new int[256];
        java.util.Arrays.fill(shift, n);
        for (int i = 0; i < n - 1; i++) {
            shift[needle[i] & 0xff] = n - 1 - i;
        }
        return shift;
    }

    /** Boyer-Moore-Horspool: skips ahead by up to the needle's length, so a search reads few bytes. */
    static boolean contains(byte[] haystack, byte[] needle, int[] shift) {
        int n = needle.length;
        int i = 0;
        while (i <= haystack.length - n) {
            int j = n - 1;
            while (j >= 0 && haystack[i + j] == needle[j]) {
                j--;
            }
            if (j < 0) {
                return true;
            }
            i += shift[haystack[i + n - 1] & 0xff];
        }
        return false;
    }
}
