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

    private static int indexOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }
}
