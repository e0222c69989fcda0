package com.example.apps;

import dev.toolwarden.ToolStatistics;
import dev.toolwarden.Toolwarden;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * An application of many classes, for start-up: {@code generate JAR COUNT TOOL_EVERY} writes
 * {@code COUNT} classes {@code gen.C0} ... into a jar, every {@code TOOL_EVERY}-th of them with a
 * {@code @Tool} method; {@code run COUNT} (with the jar on the class path) loads and uses every one
 * of them, once.
 *
 * <p>The class files are written here byte by byte (Java 8 format, straight-line code, so no stack
 * map frames), so that neither the test nor the benchmark needs a compiler or a bytecode library.
 * Each class has a constructor and nine small methods, about 900 bytes, like an ordinary small class.
 */
public final class ManyClasses {

    private static final int METHODS = 8;

    private ManyClasses() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("generate")) {
            generate(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        if (args.length != 2 || !args[0].equals("run")) {
            throw new IllegalArgumentException("usage: generate JAR COUNT TOOL_EVERY | run COUNT");
        }
        int count = Integer.parseInt(args[1]);
        long sum = 0;
        int tools = 0;
        for (int i = 0; i < count; i++) {
            Object o = Class.forName("gen.C" + i).getDeclaredConstructor().newInstance();
            if (o instanceof UnaryOperator) {
                @SuppressWarnings("unchecked")
                UnaryOperator<Object> tool = (UnaryOperator<Object>) o;
                sum += ((String) tool.apply("tool" + i)).length();
                tools++;
            } else {
                sum += ((IntUnaryOperator) o).applyAsInt(i);
            }
        }
        Out.result("loaded", count);
        Out.result("tools", tools);
        Out.result("sum", sum);
        // Without the agent the SDK is not on this application's class path.
        if (System.getProperty("dev.toolwarden.agent") != null) {
            Agent.report();
        }
    }

    /** What the agent saw; loaded only when it is there. */
    private static final class Agent {
        static void report() {
            Out.result("toolNames", Toolwarden.statistics().size());
            Out.result("toolCalls", Toolwarden.statistics().stream().mapToLong(ToolStatistics::calls).sum());
        }
    }

    /**
     * Writes the classes.
     *
     * @param jar the jar to write
     * @param count how many classes
     * @param toolEvery every how many classes one has a tool
     * @throws IOException if the jar cannot be written
     */
    public static void generate(Path jar, int count, int toolEvery) throws IOException {
        Files.createDirectories(jar.toAbsolutePath().getParent());
        Path partial = jar.resolveSibling(jar.getFileName() + ".partial");
        try (OutputStream file = Files.newOutputStream(partial); ZipOutputStream zip = new ZipOutputStream(file)) {
            for (int i = 0; i < count; i++) {
                zip.putNextEntry(new ZipEntry("gen/C" + i + ".class"));
                zip.write(classFile(i, i % toolEvery == toolEvery - 1));
                zip.closeEntry();
            }
        }
        Files.move(partial, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * {@code public class gen.C<i> implements IntUnaryOperator} ({@code applyAsInt(x) = x + i}), or
     * for a tool class {@code implements UnaryOperator} with {@code @Tool public Object apply(Object x)}
     * returning {@code x}; both with methods {@code m0 ... m7} ({@code x + k}) that nothing calls.
     */
    static byte[] classFile(int i, boolean tool) throws IOException {
        return classFile("gen/C" + i, i, tool);
    }

    /**
     * @param internalName the class's name, with slashes
     * @param i the constant its {@code applyAsInt} adds
     * @param tool whether it is a tool class instead
     * @return the class file
     * @throws IOException never: it is written to memory
     */
    public static byte[] classFile(String internalName, int i, boolean tool) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0xCAFEBABE);
        out.writeShort(0);
        out.writeShort(52); // Java 8
        String[] utf8 = {
            internalName, // 1
            "java/lang/Object", // 3
            tool ? "java/util/function/UnaryOperator" : "java/util/function/IntUnaryOperator", // 5
            "<init>", "()V", // 7, 8
        };
        // The constant pool: 1 Utf8 this, 2 Class, 3 Utf8 Object, 4 Class, 5 Utf8 interface, 6 Class,
        // 7 <init>, 8 ()V, 9 NameAndType, 10 Methodref Object.<init>, 11 Code, 12 main method's name,
        // 13 its descriptor, 14 RuntimeVisibleAnnotations, 15 the annotation type, 16 (I)I,
        // 17.. the names m0..m7.
        out.writeShort(17 + METHODS);
        utf8(out, utf8[0]);
        classRef(out, 1);
        utf8(out, utf8[1]);
        classRef(out, 3);
        utf8(out, utf8[2]);
        classRef(out, 5);
        utf8(out, utf8[3]);
        utf8(out, utf8[4]);
        out.writeByte(12); // NameAndType
        out.writeShort(7);
        out.writeShort(8);
        out.writeByte(10); // Methodref
        out.writeShort(4);
        out.writeShort(9);
        utf8(out, "Code");
        utf8(out, tool ? "apply" : "applyAsInt");
        utf8(out, tool ? "(Ljava/lang/Object;)Ljava/lang/Object;" : "(I)I");
        utf8(out, "RuntimeVisibleAnnotations");
        // Only a tool class names the annotation: the agent's prefilter looks for that name in the bytes.
        utf8(out, tool ? "Ldev/toolwarden/annotation/Tool;" : "Lgen/Unused;");
        utf8(out, "(I)I");
        for (int m = 0; m < METHODS; m++) {
            utf8(out, "m" + m);
        }
        out.writeShort(0x0021); // public super
        out.writeShort(2);
        out.writeShort(4);
        out.writeShort(1); // interfaces
        out.writeShort(6);
        out.writeShort(0); // fields
        out.writeShort(2 + METHODS);
        // public <init>() { super(); }
        method(out, 7, 8, 1, 1, new byte[] {0x2a, (byte) 0xb7, 0, 10, (byte) 0xb1}, false);
        if (tool) {
            // @Tool public Object apply(Object x) { return x; }
            method(out, 12, 13, 1, 2, new byte[] {0x2b, (byte) 0xb0}, true);
        } else {
            // public int applyAsInt(int x) { return x + i; }
            method(out, 12, 13, 2, 2, addConstant(i), false);
        }
        for (int m = 0; m < METHODS; m++) {
            method(out, 17 + m, 16, 2, 2, addConstant(m), false);
        }
        out.writeShort(0); // class attributes
        out.flush();
        return bytes.toByteArray();
    }

    /** {@code iload_1; sipush k; iadd; ireturn} */
    private static byte[] addConstant(int k) {
        return new byte[] {0x1b, 0x11, (byte) (k >> 8), (byte) k, 0x60, (byte) 0xac};
    }

    private static void method(DataOutputStream out, int name, int descriptor, int maxStack, int maxLocals,
            byte[] code, boolean toolAnnotation) throws IOException {
        out.writeShort(0x0001); // public
        out.writeShort(name);
        out.writeShort(descriptor);
        out.writeShort(toolAnnotation ? 2 : 1);
        out.writeShort(11); // Code
        out.writeInt(12 + code.length);
        out.writeShort(maxStack);
        out.writeShort(maxLocals);
        out.writeInt(code.length);
        out.write(code);
        out.writeShort(0); // exception table
        out.writeShort(0); // attributes
        if (toolAnnotation) {
            out.writeShort(14); // RuntimeVisibleAnnotations
            out.writeInt(6);
            out.writeShort(1);
            out.writeShort(15);
            out.writeShort(0);
        }
    }

    private static void utf8(DataOutputStream out, String s) throws IOException {
        out.writeByte(1);
        out.writeUTF(s);
    }

    private static void classRef(DataOutputStream out, int utf8) throws IOException {
        out.writeByte(7);
        out.writeShort(utf8);
    }
}
