package com.example.apps;

import dev.toolwarden.annotation.Tool;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/** Tools of every shape Java allows: static, instance, default, generic, primitive, void, throwing. */
public class ToolShapes {

    static final FileNotFoundException THROWN = new FileNotFoundException("/no/such/file");
    private int counter;

    @Tool
    public static int staticAdd(int a, int b) {
        return a + b;
    }

    @Tool
    public long multiply(long a, long b) {
        return a * b;
    }

    @Tool
    public double half(double x) {
        return x / 2;
    }

    @Tool
    public void touch(String s) {
        counter += s.length();
    }

    @Tool
    public <T extends Comparable<T>> T max(T a, T b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Tool
    public String read(String path) throws IOException {
        throw THROWN;
    }

    @Tool
    public int unchecked(int x) {
        throw new IllegalStateException("unchecked " + x);
    }

    @Tool(name = "custom-name")
    public String named() {
        return "named";
    }

    @Tool
    public int[] squares(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i * i;
        }
        return out;
    }

    @Tool
    public synchronized int next() {
        return ++counter;
    }

    @Tool
    public static String many(int a, long b, double c, String d, float e, short f, byte g, char h, boolean i,
            Object j, long k, double l) {
        return a + "," + b + "," + c + "," + d + "," + e + "," + f + "," + g + "," + h + "," + i + "," + j + ","
                + k + "," + l;
    }

    @Tool
    public int factorial(int n) {
        return n <= 1 ? 1 : n * factorial(n - 1);
    }

    @Tool
    public char letter(char c) {
        return Character.toUpperCase(c);
    }

    /** A default method of an interface is woven where the interface declares it. */
    public interface Greeter {
        @Tool
        default String greet(String name) {
            return "hello " + name;
        }
    }

    /** Abstract methods cannot be woven: the agent says so and the implementation runs unwoven. */
    public abstract static class Base {
        @Tool
        public abstract String abstractTool();
    }

    static final class Impl extends Base implements Greeter {
        @Override
        public String abstractTool() {
            return "implemented";
        }
    }

    public static void main(String[] args) {
        ToolShapes t = new ToolShapes();
        Out.result("staticAdd", staticAdd(2, 3));
        Out.result("multiply", t.multiply(1L << 33, 3));
        Out.result("half", t.half(5));
        t.touch("abc");
        Out.result("max", t.max("pear", "apple"));
        try {
            t.read("/no/such/file");
            Out.result("read", "returned");
        } catch (IOException e) {
            Out.result("read", e.getClass().getName() + ":" + e.getMessage() + ":same=" + (e == THROWN));
        }
        try {
            t.unchecked(7);
        } catch (IllegalStateException e) {
            Out.result("unchecked", e.getMessage());
        }
        Out.result("named", t.named());
        Out.result("squares", Arrays.toString(t.squares(5)));
        Out.result("next", t.next() + "," + t.next());
        Out.result("many", many(1, 2L, 3.5, "four", 5.5f, (short) 6, (byte) 7, '8', true, List.of(9), 10L, 11.25));
        Out.result("factorial", t.factorial(5));
        Out.result("letter", t.letter('q'));
        Impl impl = new Impl();
        Out.result("greet", impl.greet("ada"));
        Out.result("abstractTool", impl.abstractTool());
        Out.statistics();
    }
}
