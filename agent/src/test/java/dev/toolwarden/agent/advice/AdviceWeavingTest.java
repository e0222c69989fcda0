package dev.toolwarden.agent.advice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.ResourceExhaustedException;
import dev.toolwarden.agent.matching.ClassFiles;
import dev.toolwarden.agent.matching.ClassModel;
import dev.toolwarden.agent.matching.MethodModel;
import dev.toolwarden.bootstrap.Completion;
import dev.toolwarden.bootstrap.Dispatch;
import dev.toolwarden.bootstrap.RuntimeBridge;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * The woven code itself: fixture classes are woven as the agent weaves them, defined in a loader of
 * their own (so the JVM verifies them), and called, with a scripted runtime behind {@code Dispatch}.
 * Every method must give what the unwoven method gives, and pass each call's outcome to the runtime
 * exactly once; what the runtime decides (a refusal, a replacement, a skipped body, a fallback's
 * answer) must reach the caller. The child-JVM tests run the same code through the agent.
 */
class AdviceWeavingTest {

    /** Shapes the woven code must survive: wide locals, loops at offset 0, handlers, recursion, every return type. */
    public static class Fixture {
        public int counter;

        public long sum(long a, int b, double c) {
            long total = a;
            for (int i = 0; i < b; i++) {
                total += (long) c;
            }
            return total;
        }

        public static int loopAtStart(int n) {
            while (true) {
                if (n-- <= 0) {
                    return 7;
                }
            }
        }

        public String parse(String s) {
            try {
                return String.valueOf(Integer.parseInt(s) * 2);
            } catch (NumberFormatException e) {
                return "nan";
            } finally {
                counter++;
            }
        }

        public synchronized void fail(String message) {
            counter++;
            throw new IllegalStateException(message);
        }

        public static double many(int a, long b, float c, double d, byte e, short f, char g, boolean h, Object i,
                String j, int[] k) {
            double local = a + b + c + d + e + f + g + (h ? 1 : 0) + i.hashCode() % 1 + j.length() + k.length;
            return local;
        }

        public static int factorial(int n) {
            return n <= 1 ? 1 : n * factorial(n - 1);
        }

        public boolean not(boolean b) {
            return !b;
        }

        public char upper(char c) {
            return Character.toUpperCase(c);
        }

        public float half(float f) {
            return f / 2;
        }

        public Object locals(String a) {
            String x = a + "1";
            long y = x.length();
            double z = y * 1.5;
            Object result = x + y + z;
            return result;
        }

        public int[] array(int n) {
            return new int[n];
        }

        public void nothing() {
            counter++;
        }

        public static int conversation(long conversationId, String text) {
            return text.length();
        }

        /** Assigns its parameters (as javac allows) before it ends: a fallback must still get what the caller passed. */
        public static String reassigns(String s, long n, double d) {
            s = s.trim();
            n = n * 10;
            d = -d;
            if (s.isEmpty()) {
                throw new IllegalStateException("empty " + n + " " + d);
            }
            return s + n + d;
        }
    }

    private final List<String> calls = new ArrayList<>();
    /** How the scripted runtime answers each kind of call; by default, as a runtime that decides nothing. */
    private final Map<String, Function<Object[], Object>> script = new HashMap<>();

    @BeforeEach
    void install() {
        RuntimeBridge bridge = (RuntimeBridge) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RuntimeBridge.class}, (proxy, method, args) -> {
                    calls.add(method.getName() + (args == null ? "" : Arrays.deepToString(printable(args))));
                    Function<Object[], Object> answer = script.get(method.getName());
                    if (answer != null) {
                        return answer.apply(args);
                    }
                    return switch (method.getName()) {
                        case "enter", "enterGuarded" -> "context";
                        default -> null;
                    };
                });
        Dispatch.install(bridge);
    }

    /** The arguments as the calls list shows them: a method handle by its kind only (its type names the fixture). */
    private static Object[] printable(Object[] args) {
        Object[] shown = args.clone();
        for (int i = 0; i < shown.length; i++) {
            if (shown[i] instanceof java.lang.invoke.MethodHandle) {
                shown[i] = "handle";
            }
        }
        return shown;
    }

    @AfterEach
    void uninstall() {
        Dispatch.install(null);
    }

    private static Class<?> weave(Map<String, WovenMethod> methods) throws Exception {
        byte[] original = ClassFiles.read(Fixture.class.getClassLoader(), Fixture.class.getName().replace('.', '/'));
        ClassModel type = ClassModel.read(original);
        ClassReader reader = new ClassReader(original);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(AdviceBindings.weaving(writer, type, methods, false, false, false), ClassReader.EXPAND_FRAMES);
        byte[] woven = writer.toByteArray();
        Class<?> c = new Isolated(Fixture.class.getClassLoader()).define(Fixture.class.getName(), woven);
        for (Method m : c.getDeclaredMethods()) {
            // Links the class: a frame or stack the verifier rejects fails here, with a VerifyError.
            m.setAccessible(true);
        }
        return c;
    }

    /** Every method of the fixture with the same advice. */
    private static Map<String, WovenMethod> all(Function<MethodModel, WovenMethod> advice) {
        byte[] original = ClassFiles.read(Fixture.class.getClassLoader(), Fixture.class.getName().replace('.', '/'));
        Map<String, WovenMethod> methods = new HashMap<>();
        for (MethodModel m : ClassModel.read(original).methods()) {
            if (m.isMethod()) {
                methods.put(AdviceBindings.key(m.name(), m.descriptor()), advice.apply(m));
            }
        }
        return methods;
    }

    private static final class Isolated extends ClassLoader {
        Isolated(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(String name, byte[] bytes) {
            Class<?> c = defineClass(name, bytes, 0, bytes.length);
            resolveClass(c);
            return c;
        }
    }

    private static Object call(Class<?> c, Object target, String name, Object... args) throws Throwable {
        for (Method m : c.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new NoSuchMethodException(name);
    }

    private static Object newInstance(Class<?> c) throws Exception {
        return c.getConstructor().newInstance();
    }

    private static int primitiveFlag(MethodModel m) {
        int sort = m.returnType().getSort();
        return sort != org.objectweb.asm.Type.VOID && sort < org.objectweb.asm.Type.ARRAY ? Completion.PRIMITIVE_RESULT : 0;
    }

    private void assertSameResultsAsUnwoven(Class<?> woven) throws Throwable {
        Object w = newInstance(woven);
        Fixture f = new Fixture();
        assertEquals(f.sum(5, 3, 2.5), call(woven, w, "sum", 5L, 3, 2.5));
        assertEquals(Fixture.loopAtStart(3), call(woven, null, "loopAtStart", 3));
        assertEquals(f.parse("21"), call(woven, w, "parse", "21"));
        assertEquals(f.parse("x"), call(woven, w, "parse", "x"));
        assertEquals(2, woven.getField("counter").getInt(w), "the finally block ran once per call");
        int[] k = {1, 2};
        assertEquals(Fixture.many(1, 2L, 3f, 4d, (byte) 5, (short) 6, 'a', true, "o", "str", k),
                call(woven, null, "many", 1, 2L, 3f, 4d, (byte) 5, (short) 6, 'a', true, "o", "str", k));
        assertEquals(Fixture.factorial(5), call(woven, null, "factorial", 5));
        assertEquals(f.not(true), call(woven, w, "not", true));
        assertEquals(f.upper('q'), call(woven, w, "upper", 'q'));
        assertEquals(f.half(3f), call(woven, w, "half", 3f));
        assertEquals(f.locals("ab"), call(woven, w, "locals", "ab"));
        assertArrayEquals(f.array(3), (int[]) call(woven, w, "array", 3));
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> call(woven, w, "fail", "boom"));
        assertEquals("boom", thrown.getMessage());
        call(woven, w, "nothing");
        assertEquals(4, woven.getField("counter").getInt(w));
    }

    @Nested
    class Plain {

        @Test
        void everyShapeGivesWhatTheUnwovenMethodGivesAndEachCallExitsOnce() throws Throwable {
            Class<?> woven = weave(all(m -> new WovenMethod(7, -1, false, false, 0, null, null)));
            assertSameResultsAsUnwoven(woven);
            long enters = calls.stream().filter(c -> c.startsWith("enter[")).count();
            long exits = calls.stream().filter(c -> c.startsWith("exit[")).count();
            // 13 calls, factorial(5) being 5 of them (4 recursive).
            assertEquals(17, enters, calls::toString);
            assertEquals(enters, exits, calls::toString);
            assertTrue(calls.contains("enter[7, null, null]"), calls::toString);
            assertTrue(calls.stream().anyMatch(c -> c.startsWith("exit[context, java.lang.IllegalStateException: boom]")),
                    calls::toString);
        }

        @Test
        void theArgumentsAndTheConversationArgumentAreBoxedAndPassed() throws Throwable {
            Class<?> woven = weave(all(m -> new WovenMethod(3, m.name().equals("conversation") ? 0 : -1, false, true, 0,
                    null, null)));
            assertEquals(5, call(woven, null, "conversation", 42L, "hello"));
            assertTrue(calls.contains("enter[3, 42, [42, hello]]"), calls::toString);
        }

        @Test
        void aRefusalOnEntryReachesTheCallerAndTheBodyDoesNotRun() throws Throwable {
            script.put("enter", args -> new ResourceExhaustedException("t", "cpu", "refused"));
            Class<?> woven = weave(all(m -> new WovenMethod(1, -1, false, false, 0, null, null)));
            Object w = newInstance(woven);
            assertThrows(ResourceExhaustedException.class, () -> call(woven, w, "nothing"));
            assertEquals(0, woven.getField("counter").getInt(w));
            assertTrue(calls.stream().noneMatch(c -> c.startsWith("exit")), calls::toString);
        }

        @Test
        void aReplacementFromTheExitIsThrownInsteadOfTheResultOrTheBodysException() throws Throwable {
            IllegalArgumentException late = new IllegalArgumentException("past the hard limit");
            script.put("exit", args -> late);
            Class<?> woven = weave(all(m -> new WovenMethod(1, -1, false, false, 0, null, null)));
            Object w = newInstance(woven);
            assertSame(late, assertThrows(IllegalArgumentException.class, () -> call(woven, w, "sum", 1L, 1, 1.0)));
            assertSame(late, assertThrows(IllegalArgumentException.class, () -> call(woven, w, "fail", "x")));
        }

        @Test
        void aFailingRuntimeChangesNothingTheCallerSees() throws Throwable {
            script.put("exit", args -> {
                throw new IllegalStateException("runtime bug");
            });
            Class<?> woven = weave(all(m -> new WovenMethod(1, -1, false, false, 0, null, null)));
            assertSameResultsAsUnwoven(woven);
        }
    }

    @Nested
    class Guarded {

        @Test
        void everyShapeGivesWhatTheUnwovenMethodGivesWhenTheRuntimeDecidesNothing() throws Throwable {
            Class<?> woven = weave(all(m -> new WovenMethod(2, -1, true, true,
                    Completion.ARGUMENTS_ON_ENTRY | Completion.RESULT_ON_EXIT | primitiveFlag(m), null, null)));
            assertSameResultsAsUnwoven(woven);
            long enters = calls.stream().filter(c -> c.startsWith("enterGuarded[")).count();
            assertEquals(17, enters, calls::toString);
            assertEquals(enters, calls.stream().filter(c -> c.startsWith("exitGuarded[")).count(), calls::toString);
            assertTrue(calls.stream().anyMatch(c -> c.startsWith("exitGuarded[context, 11, null")), calls::toString);
        }

        @Test
        void aCompletionOnEntrySkipsTheBodyAndIsWhatTheCallerGets() throws Throwable {
            script.put("enterGuarded", args -> Completion.returning(99));
            script.put("exitGuarded", args -> (Completion) args[0]);
            Class<?> woven = weave(all(m -> new WovenMethod(2, -1, true, false, primitiveFlag(m), null, null)));
            Object w = newInstance(woven);
            assertEquals(99, call(woven, null, "factorial", 5));
            call(woven, w, "nothing");
            assertEquals(0, woven.getField("counter").getInt(w), "the body was skipped");
        }

        @Test
        void aReplacementValueIsReturnedAndAWrongBoxForAPrimitiveKeepsTheBodysValue() throws Throwable {
            script.put("exitGuarded", args -> Completion.returning(args[1] instanceof Integer ? (Object) 41 : (Object) 5L));
            Class<?> woven = weave(all(m -> new WovenMethod(2, -1, true, false,
                    Completion.RESULT_ON_EXIT | primitiveFlag(m), null, null)));
            Object w = newInstance(woven);
            assertEquals(41, call(woven, null, "factorial", 1));
            assertEquals(5L, call(woven, w, "sum", 3L, 2, 2.0), "a Long for a long is taken (the body gives 7)");
            assertEquals(true, call(woven, w, "not", false), "a Long for a boolean is not");
        }

        @Test
        void withoutTheResultOnExitTheValueStaysUnboxedUnlessTheRuntimeReplacesIt() throws Throwable {
            Completion[] next = {null};
            List<Object> results = new ArrayList<>();
            script.put("exitGuarded", args -> {
                results.add(args[1]);
                return next[0];
            });
            Class<?> woven = weave(all(m -> new WovenMethod(2, -1, true, false, primitiveFlag(m), null, null)));
            Object w = newInstance(woven);
            assertEquals(120, call(woven, null, "factorial", 5), "the body's value stands");
            next[0] = Completion.returning(41);
            assertEquals(41, call(woven, null, "factorial", 1));
            next[0] = Completion.returning(null);
            assertEquals(1, call(woven, null, "factorial", 1), "no value a primitive can take: the body's stands");
            next[0] = Completion.returning("other");
            assertEquals("other", call(woven, w, "locals", "x"));
            next[0] = Completion.returning(null);
            assertNull(call(woven, w, "locals", "x"), "null replaces a reference");
            assertEquals(9, results.size());
            assertTrue(results.stream().allMatch(java.util.Objects::isNull), "the result is not passed: " + results);
        }

        @Test
        void aFallbacksAnswerReplacesTheBodysExceptionAndAThrowableReplacesTheValue() throws Throwable {
            IllegalStateException replacement = new IllegalStateException("timed out");
            script.put("exitGuarded", args -> args[2] != null ? Completion.returning("fallback")
                    : Completion.throwing(replacement));
            Class<?> woven = weave(all(m -> new WovenMethod(2, -1, true, false, primitiveFlag(m), null, null)));
            Object w = newInstance(woven);
            assertSame(replacement, assertThrows(IllegalStateException.class, () -> call(woven, w, "parse", "1")));
            // fail is void: the fallback's answer makes it return normally.
            assertNull(call(woven, w, "fail", "x"));
        }

        @Test
        void aFallbackIsCalledWithTheArgumentsAndTheReceiverWhenTheRuntimeWantsOne() throws Throwable {
            script.put("exitGuarded", args -> Completion.fallback(new IllegalStateException("slow"), null));
            script.put("fallback", args -> Completion.returning("from " + Arrays.toString((Object[]) args[2])));
            Class<?> woven = weave(all(m -> new WovenMethod(2, -1, true, false, primitiveFlag(m), null,
                    new org.objectweb.asm.Handle(Opcodes.H_INVOKEVIRTUAL,
                    Fixture.class.getName().replace('.', '/'), "nothing", "()V", false))));
            Object w = newInstance(woven);
            assertEquals("from [ab]", call(woven, w, "locals", "ab"), calls::toString);
            assertEquals("exitGuarded[context, null, null, " + w + ", null, handle]", calls.get(1),
                    "a return does not copy the arguments: only a fallback that is called gets them");
            String fallback = calls.get(calls.size() - 1);
            assertTrue(fallback.startsWith("fallback[" + Completion.class.getName() + "@")
                    && fallback.endsWith(", " + w + ", [ab], handle]"), calls::toString);
        }
    }

    @Nested
    class Copies {

        private final org.objectweb.asm.Handle fallback = new org.objectweb.asm.Handle(Opcodes.H_INVOKESTATIC,
                Fixture.class.getName().replace('.', '/'), "conversation", "(JLjava/lang/String;)I", false);

        @Test
        void aFallbackAfterAReturnGetsTheArgumentsAsPassedNotAsTheBodyLeftThem() throws Throwable {
            script.put("exitGuarded", args -> Completion.fallback(new IllegalStateException("slow"), null));
            script.put("fallback", args -> Completion.returning(Arrays.toString((Object[]) args[2])));
            Class<?> woven = weave(all(m -> new WovenMethod(2, -1, true, false, primitiveFlag(m), null, fallback)));
            assertEquals("[  x  , 4, 1.5]", call(woven, null, "reassigns", "  x  ", 4L, 1.5), calls::toString);
            // And every other shape still verifies and runs with the copies in place.
            script.remove("exitGuarded");
            script.remove("fallback");
            assertSameResultsAsUnwoven(woven);
        }

        @Test
        void aFallbackAfterAThrowGetsTheArgumentsAsPassed() throws Throwable {
            script.put("exitGuarded", args -> args[2] != null // thrown
                    ? Completion.fallback((Throwable) args[2], null) : null);
            script.put("fallback", args -> Completion.returning(Arrays.toString((Object[]) args[2])));
            Class<?> woven = weave(all(m -> new WovenMethod(2, -1, true, false, primitiveFlag(m), null, fallback)));
            assertEquals("[   , 4, 1.5]", call(woven, null, "reassigns", "   ", 4L, 1.5), calls::toString);
        }
    }

    @Nested
    class Frames {

        @Test
        void theContextGoesAfterTheParametersAndTheBodysLocalsMoveUp() {
            Object[] locals = {"Owner", Opcodes.LONG, "java/lang/String", Opcodes.INTEGER};
            Object[] moved = Bytecode.insertLocal(4, locals, 3, "java/lang/Object");
            assertArrayEquals(new Object[] {"Owner", Opcodes.LONG, "java/lang/Object", "java/lang/String", Opcodes.INTEGER},
                    moved);
        }

        @Test
        void aFrameThatEndsBeforeTheSlotIsPaddedWithTop() {
            Object[] moved = Bytecode.insertLocal(1, new Object[] {"Owner"}, 3, "java/lang/Object");
            assertArrayEquals(new Object[] {"Owner", Opcodes.TOP, Opcodes.TOP, "java/lang/Object"}, moved);
        }

        @Test
        void aWideLocalAcrossTheSlotIsRefused() {
            assertThrows(IllegalStateException.class,
                    () -> Bytecode.insertLocal(2, new Object[] {"Owner", Opcodes.DOUBLE}, 2, "java/lang/Object"));
        }
    }
}
