package dev.toolwarden.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.toolwarden.agent.matching.ClassPrefilter;
import dev.toolwarden.config.Configuration;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The weaving of classes loaded before a dynamic attach, against an Instrumentation that fails on purpose. */
class RetransformerTest {

    static class A {
    }

    static class B {
    }

    static class C {
    }

    private final List<String> retransformed = new ArrayList<>();

    private Instrumentation instrumentation(Class<?> bad) {
        return (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Instrumentation.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "retransformClasses" -> {
                            Class<?>[] classes = (Class<?>[]) args[0];
                            for (Class<?> c : classes) {
                                if (c == bad) {
                                    throw new UnmodifiableClassException(c.getName());
                                }
                            }
                            for (Class<?> c : classes) {
                                retransformed.add(c.getSimpleName());
                            }
                            return null;
                        }
                        case "getAllLoadedClasses" -> {
                            return new Class<?>[] {A.class, B.class, C.class, String.class, int[].class,
                                com.example.apps.AttachTarget.Tools.class, com.example.apps.Out.class,
                                type("com.example.apps.ChildFirst$WebappLoaderBase"),
                                type("com.example.apps.ChildFirst$ChildFirstLoader")};
                        }
                        case "isModifiableClass" -> {
                            return true;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static Class<?> type(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Retransformer retransformer(Instrumentation i) {
        ClassPrefilter everything = new ClassPrefilter(Configuration.load("methods=dev.toolwarden.agent.**#*", Map.of(),
                Map.of()), Set.of());
        return new Retransformer(i, everything, null, java.util.Set.of("com/zaxxer/hikari/HikariDataSource"));
    }

    @Test
    void oneClassThatCannotBeRetransformedCostsOnlyItself() {
        Retransformer r = retransformer(instrumentation(B.class));
        r.retransform(List.of(A.class, B.class, C.class));
        assertEquals(List.of("A", "C"), retransformed, "the batch failed; its classes went one by one");
        assertEquals(1, r.failed());
    }

    @Test
    void aBatchThatWorksIsOneCall() {
        Retransformer r = retransformer(instrumentation(null));
        r.retransform(List.of(A.class, B.class, C.class));
        assertEquals(List.of("A", "B", "C"), retransformed);
        assertEquals(0, r.failed());
    }

    @Test
    void onlyClassesWhoseClassFileHasAMarkerAndLoadersThatDeclareLoadClassAreRetransformed() {
        Retransformer r = new Retransformer(instrumentation(null), new ClassPrefilter(Configuration.load(null, Map.of(),
                Map.of()), Set.of("dev.toolwarden.annotation.Tool")), null, Set.of("com/zaxxer/hikari/HikariDataSource"));
        List<Class<?>> candidates = r.candidates();
        Class<?> loader = type("com.example.apps.ChildFirst$ChildFirstLoader");
        assertEquals(List.of(com.example.apps.AttachTarget.Tools.class, loader), candidates, "the one class with @Tool methods and the class loader that declares loadClass (for the "
                        + "boot delegation); not Out, not a loader without loadClass, not the JDK's String, not an "
                        + "array, not dev.toolwarden's");
    }
}
