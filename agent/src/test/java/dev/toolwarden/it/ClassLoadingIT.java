package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.ChildLoaders;
import com.example.apps.CustomMarkers;
import com.example.apps.LazyLoading;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deciding what to weave loads nothing, and classes of other class loaders are woven too. */
class ClassLoadingIT {

    @Test
    void decidingLoadsNeitherAnnotationTypesNorApplicationClassesBeforeTheirTime() {
        ChildResult r = ChildJvm.app(LazyLoading.class).jvmOption("-Xlog:class+load=info:stdout").run();
        List<String> lines = r.stdout().lines().toList();
        int marker = indexOf(lines, "MARKER before first use");
        int hello = indexOf(lines, "com.example.apps.Hello ");
        assertTrue(marker >= 0 && hello > marker, "Hello is loaded when the application first uses it:\n" + r.stdout());
        assertEquals(-1, indexOf(lines, "dev.toolwarden.annotation.Tool "), "the annotation type is never loaded");
        assertTrue(lines.contains("hello lazy"));
    }

    @Test
    void configuredMarkerAnnotationsAreMatchedByNameWithoutLoadingThem() {
        ChildResult r = ChildJvm.app(CustomMarkers.class).jvmOption("-Xlog:class+load=info:stdout")
                .agentArguments("tool.annotations=com.example.apps.CustomMarkers$Action").run();
        assertEquals("lookup", r.values().get("tools"), r::describe);
        assertEquals(-1, indexOf(r.stdout().lines().toList(), "com.example.apps.CustomMarkers$Action "));
    }

    @Test
    void aClassOfALoaderThatDoesNotDelegateToTheSystemLoaderIsWoven() {
        ChildResult r = ChildJvm.app(ChildLoaders.class).run();
        assertEquals("true", r.values().get("ownLoader"), r::describe);
        assertEquals("isolated call", r.values().get("answer"));
        assertEquals("1", r.values().get("calls.isolated"));
        assertFalse(r.stderr().contains("NoClassDefFoundError"), r::describe);
    }

    @Test
    void aChildFirstLoaderWithItsOwnCopyOfTheSdkGetsToolwardensApiAndItsToolsKeepTheirFallbacks() {
        ChildResult r = ChildJvm.app(com.example.apps.ChildFirst.class)
                .args(ChildJvm.SDK_CLASSES.toAbsolutePath().toString()).run();
        java.util.Map<String, String> v = r.values();
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals("true", v.get("ownLoader"), "the web application's classes come from its own loader");
        assertEquals("bootstrap", v.get("annotationLoader"),
                "Toolwarden's annotations come from the agent, not from the application's copy of the SDK");
        assertEquals("plain a", v.get("plain"));
        assertEquals("fallback b after ToolTimeoutException", v.get("guarded"),
                () -> "the hard limit ends the call and its fallback answers: " + r.describe());
        assertTrue(Long.parseLong(v.get("guardedMillis")) < 5_000, v.get("guardedMillis"));
        assertEquals("cf.guarded:1,cf.plain:1", v.get("seenInside"),
                "the application's API reaches the agent's runtime, not a second one");
        assertEquals("1", v.get("calls.cf.plain"));
        assertEquals("1", v.get("calls.cf.guarded"));
        assertFalse(r.stderr().contains("LinkageError") || r.stderr().contains("loader constraint"), r::describe);
    }

    @Test
    void lambdasInAndAroundToolsWorkAndAHiddenClassRunsAsDefinedUnwoven() {
        ChildResult r = ChildJvm.app(com.example.apps.HiddenAndLambdas.class).recording().run();
        java.util.Map<String, String> v = r.values();
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals("12", v.get("doubled"));
        assertEquals("hello ref", v.get("greet"));
        assertEquals("soon!", v.get("later"));
        assertEquals("hello thread", v.get("async"));
        assertEquals("20", v.get("runnable"));
        assertEquals("in a hidden class", v.get("hidden"));
        assertEquals("true", v.get("hiddenIsHidden"));
        assertEquals("doubled,greet,later", v.get("tools"),
                "the tools are woven, their lambdas' synthetic methods are not tools, and the JVM gives hidden "
                        + "classes to no transformer: " + r.describe());
        assertEquals("2", v.get("calls.doubled"));
        assertEquals("2", v.get("calls.greet"), "through a method reference and on a pool thread");
        assertEquals(5, r.executions().size(), r::describe);
        assertEquals(0, r.agentErrors().size(), r::describe);
    }

    @Test
    void tenThousandClassesLoadAsWithoutTheAgentAndOnlyTheHundredWithToolsAreWoven() throws Exception {
        java.nio.file.Path jar = ChildJvm.workFile("classes10k.jar");
        if (!java.nio.file.Files.exists(jar)) {
            com.example.apps.ManyClasses.generate(jar, 10_000, 100);
        }
        ChildResult plain = ChildJvm.app(com.example.apps.ManyClasses.class).classpath(jar).withoutAgent()
                .args("run", "10000").run();
        ChildResult woven = ChildJvm.app(com.example.apps.ManyClasses.class).classpath(jar).agentArguments("log.level=debug")
                .args("run", "10000").run();
        assertEquals(0, plain.exitCode(), plain::describe);
        assertEquals(0, woven.exitCode(), woven::describe);
        assertEquals("10000", woven.values().get("loaded"));
        assertEquals(plain.values().get("sum"), woven.values().get("sum"), "the classes compute what they did");
        assertEquals("100", woven.values().get("tools"));
        assertEquals("100", woven.values().get("toolNames"), woven::describe);
        assertEquals("100", woven.values().get("toolCalls"));
        long wovenLines = woven.agentLines().stream().filter(l -> l.contains("debug: woven gen.C")).count();
        assertEquals(100, wovenLines, "the prefilter kept the other 9,900 classes from the weaver");
        assertEquals(0, woven.agentErrors().size(), woven::describe);
    }

    /**
     * Start-up: the agent's own code links no lambda (each new one makes the JVM generate classes, a
     * few ms apiece on a small machine, the first of them far more), neither while the application
     * starts nor at its first calls, nor when the metrics database opens and is written at exit.
     */
    @Test
    void theAgentLinksNoLambdaOfItsOwnFromStartToExit() throws Exception {
        java.nio.file.Path jar = ChildJvm.workFile("classes1k.jar");
        com.example.apps.ManyClasses.generate(jar, 1_000, 100);
        java.nio.file.Path log = ChildJvm.workFile("lambdas-class-load.log");
        java.nio.file.Path db = ChildJvm.workFile("lambdas-metrics");
        ChildResult r = ChildJvm.app(com.example.apps.ManyClasses.class).classpath(jar)
                .jvmOption("-Xlog:class+load=info:file=" + log)
                .agentArguments("db.url=jdbc:h2:file:" + db.toAbsolutePath() + ",startup.grace=0s")
                .args("run", "1000").run();
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals("10", r.values().get("toolCalls"), r::describe);
        List<String> loaded = java.nio.file.Files.readAllLines(log);
        assertTrue(loaded.stream().anyMatch(l -> l.contains("org.h2.engine.Database ")),
                "the metrics database was opened (at exit): " + r.describe());
        List<String> ours = loaded.stream().filter(l -> l.contains("$$Lambda") && l.contains(" dev.toolwarden.")).toList();
        assertEquals(List.of(), ours, "lambdas of Toolwarden's own code linked in this run");
    }

    private static int indexOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }
}
