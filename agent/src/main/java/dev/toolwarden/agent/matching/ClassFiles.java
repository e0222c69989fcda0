package dev.toolwarden.agent.matching;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a few facts straight from class file bytes (JVMS §4), without a bytecode library and
 * without loading anything: cheap enough for the transformer's path. A malformed or truncated
 * class file gives "no answer", never an exception.
 */
public final class ClassFiles {

    private ClassFiles() {
    }

    /** @return the internal name of the class's super class, or {@code null} (Object, or unreadable) */
    static String superName(byte[] b) {
        try {
            int[] entries = constantPool(b);
            int end = entries[0];
            int superClass = u2(b, end + 4); // after the access flags and this class
            return superClass == 0 ? null : utf8(b, entries[u2(b, entries[superClass] + 1)]);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * @param b a class file
     * @param name a method name
     * @return whether the class declares a method of that name
     */
    static boolean declaresMethod(byte[] b, String name) {
        try {
            int[] entries = constantPool(b);
            int p = entries[0] + 6; // access flags, this class, super class
            p += 2 + 2 * u2(b, p); // interfaces
            for (int section = 0; section < 2; section++) { // fields, then methods
                int count = u2(b, p);
                p += 2;
                for (int i = 0; i < count; i++) {
                    if (section == 1 && name.equals(utf8(b, entries[u2(b, p + 2)]))) {
                        return true;
                    }
                    int attributes = u2(b, p + 6);
                    p += 8;
                    for (int a = 0; a < attributes; a++) {
                        p += 6 + u4(b, p + 2);
                    }
                }
            }
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * @param loader a class loader
     * @param internalName a class it may define
     * @return the class file, read as a resource of the loader, or {@code null} (none, or the loader failed)
     */
    public static byte[] read(ClassLoader loader, String internalName) {
        try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException | RuntimeException | LinkageError e) {
            // the loader's own code failed: no answer
            return null;
        }
    }

    /**
     * @return the offset of each constant pool entry by its index; at index 0 (unused by the class
     *     file format) the offset of the first byte after the pool
     */
    private static int[] constantPool(byte[] b) {
        int count = u2(b, 8);
        int[] entries = new int[count];
        int p = 10;
        for (int i = 1; i < count; i++) {
            entries[i] = p;
            switch (b[p] & 0xff) {
                case 1 -> p += 3 + u2(b, p + 1); // Utf8
                case 3, 4, 9, 10, 11, 12, 17, 18 -> p += 5;
                case 5, 6 -> { // Long and Double take two entries
                    p += 9;
                    i++;
                }
                case 7, 8, 16, 19, 20 -> p += 3;
                case 15 -> p += 4; // MethodHandle
                default -> throw new IllegalArgumentException("constant pool tag " + (b[p] & 0xff));
            }
        }
        entries[0] = p;
        return entries;
    }

    /** Modified UTF-8 read as Latin-1: exact for the ASCII names compared here, and the same every time. */
    private static String utf8(byte[] b, int entry) {
        return new String(b, entry + 3, u2(b, entry + 1), StandardCharsets.ISO_8859_1);
    }

    private static int u2(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static int u4(byte[] b, int at) {
        return (u2(b, at) << 16) | u2(b, at + 2);
    }
}
