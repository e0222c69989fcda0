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

    private static int indexOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }
}
