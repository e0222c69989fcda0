package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.ForeignLibraries;
import com.example.apps.SdkUser;
import com.example.apps.ToolShapes;
import com.example.apps.VisibilityProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Nothing that goes wrong inside Toolwarden reaches the application, and the agent's libraries stay its own. */
class SafetyIT {

    private static final List<String> SHAPE_RESULTS = List.of("staticAdd", "multiply", "half", "max", "read",
            "unchecked", "named", "squares", "next", "many", "factorial", "letter", "greet", "abstractTool");

    @ParameterizedTest
    @ValueSource(strings = {"enter", "exit"})
    void aFailureInsideTheAgentNeverReachesTheApplicationAndIsLoggedOnce(String where) {
        ChildResult plain = ChildJvm.app(ToolShapes.class).withoutAgent().run();
        assertEquals(0, plain.exitCode(), plain::describe);
        ChildResult failing = ChildJvm.app(ToolShapes.class).agentArguments("debug.fail=" + where)
                .expectingAgentErrors().run();
        assertEquals(0, failing.exitCode(), failing::describe);
        for (String key : SHAPE_RESULTS) {
            assertEquals(plain.values().get(key), failing.values().get(key), key);
        }
        List<String> errors = failing.agentErrors();
        assertEquals(1, errors.size(), "one line for a failure on every call:\n" + failing.describe());
        assertTrue(errors.get(0).contains("injected failure on " + (where.equals("enter") ? "entry" : "exit")),
                errors.get(0));
        // The summary at exit counts every one of them (the tool calls of ToolShapes.main).
        assertTrue(failing.agentWarnings().stream().anyMatch(l -> l.matches(".* (1[5-9]|2\\d) internal error\\(s\\) of 1 kind.*")),
                failing::describe);
    }

    @Test
    void theAgentAddsNoWarningOfTheJvmsToTheApplicationsOutput() {
        // On JDK 24 and later, Byte Buddy's default set-up would touch sun.misc.Unsafe and the JVM would
        // print four WARNING lines into the application's error output.
        ChildResult r = ChildJvm.app(com.example.apps.GuardedTools.class).run();
        List<String> foreign = r.stderr().lines()
                .filter(l -> !l.startsWith("[toolwarden]") && !l.contains("Sharing is only supported")).toList();
        assertEquals(List.of(), foreign, r::describe);
        assertEquals("timeout spinner", r.values().get("spinner"), "isolation, the part that uses method handles, works");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cache", "monitor", "jfr"})
    void aFailingCacheMonitorOrRecordingChangesNoResultAndIsLoggedOncePerKind(String part) {
        // What the application gets without the agent, and with a healthy agent (the cache answers).
        ChildResult plain = ChildJvm.app(com.example.apps.FaultyParts.class).withoutAgent().args("0").run();
        assertEquals("q #1;q #2;q #3;", plain.values().get("answers"), plain::describe);
        ChildResult healthy = ChildJvm.app(com.example.apps.FaultyParts.class).args("0").run();
        assertEquals("q #1;q #1;q #1;", healthy.values().get("answers"), healthy::describe);

        ChildResult failing = ChildJvm.app(com.example.apps.FaultyParts.class).recording()
                .agentArguments("debug.fail=" + part + ",monitor.interval=100ms").expectingAgentErrors().args("1500").run();
        assertEquals(0, failing.exitCode(), failing::describe);
        // A failing cache: each call runs its body, as without the agent. A failing monitor or recording:
        // the cache still answers, the behaviour asked for.
        String expected = part.equals("cache") ? plain.values().get("answers") : healthy.values().get("answers");
        assertEquals(expected, failing.values().get("answers"), failing::describe);
        assertEquals(plain.values().get("sum"), failing.values().get("sum"));
        List<String> lines = failing.stderr().lines().filter(l -> l.contains("injected failure")).toList();
        assertTrue(lines.size() >= 1 && lines.size() <= 2, () -> "a line per kind, not per failure:\n" + failing.describe());
        if (!part.equals("monitor")) {
            // Counted: the summary at exit says how many were kept from the application.
            assertTrue(failing.agentWarnings().stream().anyMatch(l -> l.matches(".* ([3-9]|\\d\\d+) internal error\\(s\\) of [12] kind.*")),
                    failing::describe);
        }
    }

    @Test
    void aClassThatCannotBeWovenIsLoadedUnchangedAndTheErrorIsReportedOncePerClass() {
        ChildResult plain = ChildJvm.app(ToolShapes.class).withoutAgent().run();
        ChildResult r = ChildJvm.app(ToolShapes.class).agentArguments("debug.fail=weave").expectingAgentErrors().run();
        assertEquals(0, r.exitCode(), r::describe);
        for (String key : SHAPE_RESULTS) {
            assertEquals(plain.values().get(key), r.values().get(key), key);
        }
        assertEquals("", r.values().get("tools"), "nothing was woven");
        List<String> errors = r.agentErrors();
        assertTrue(errors.stream().anyMatch(l -> l.contains("weaving com.example.apps.ToolShapes (left unwoven)")
                && l.contains("injected failure while weaving")), r::describe);
        assertEquals(errors.size(), errors.stream().distinct().count(), "each class once: " + errors);
    }

    @Test
    void theApplicationCanLoadOnlyTheApiAndTheBridgeFromTheAgent() {
        ChildResult r = ChildJvm.app(VisibilityProbe.class).run();
        Map<String, String> v = r.values();
        assertEquals("bootstrap", v.get("dev.toolwarden.Toolwarden"), r::describe);
        assertEquals("bootstrap", v.get("dev.toolwarden.ToolTimeoutException"));
        assertEquals("bootstrap", v.get("dev.toolwarden.annotation.Tool"));
        assertEquals("bootstrap", v.get("dev.toolwarden.bootstrap.Bridge"));
        assertEquals("bootstrap", v.get("dev.toolwarden.ValueCodec"), "the codec interface the application implements");
        for (String hidden : List.of("net.bytebuddy.ByteBuddy", "net.bytebuddy.agent.builder.AgentBuilder",
                "org.objectweb.asm.ClassReader",
                "redis.clients.jedis.Jedis", "org.apache.commons.pool2.impl.GenericObjectPool", "com.google.gson.Gson",
                "dev.toolwarden.cache.l2.RedisTier",
                "com.github.benmanes.caffeine.cache.Caffeine", "dev.toolwarden.runtime.ToolwardenRuntime",
                "dev.toolwarden.agent.Installer", "dev.toolwarden.config.Configuration",
                "dev.toolwarden.events.ExecutionEvent", "dev.toolwarden.cli.CommandLine")) {
            assertEquals("hidden", v.get(hidden), hidden);
        }
    }

    @Test
    void theAgentJarHoldsOnlyTheApiAndBridgeOutsideItsIsolatedFolder() throws IOException {
        try (JarFile jar = new JarFile(ChildJvm.AGENT.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("dev.toolwarden.bootstrap.AgentMain", main.getValue("Premain-Class"));
            assertEquals("dev.toolwarden.bootstrap.AgentMain", main.getValue("Agent-Class"));
            assertEquals("dev.toolwarden.bootstrap.AgentMain", main.getValue("Main-Class"));
            assertEquals("true", main.getValue("Can-Retransform-Classes"));
            int isolated = 0;
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                String name = e.nextElement().getName();
                if (name.startsWith("inst/")) {
                    assertTrue(!name.endsWith(".class"), "isolated classes are .classdata: " + name);
                    isolated++;
                    continue;
                }
                boolean allowed = name.startsWith("META-INF/") || name.equals("toolwarden.jfc") || name.endsWith("/")
                        || name.matches("dev/toolwarden/[^/]+\\.class")
                        || name.startsWith("dev/toolwarden/annotation/") || name.startsWith("dev/toolwarden/bootstrap/");
                assertTrue(allowed, "visible to the application: " + name);
            }
            assertTrue(jar.getEntry("inst/org/objectweb/asm/ClassReader.classdata") != null);
            assertTrue(jar.getEntry("inst/net/bytebuddy/ByteBuddy.classdata") == null, "the weaver is ASM alone");
            assertTrue(jar.getEntry("inst/com/github/benmanes/caffeine/cache/Caffeine.classdata") != null);
            assertTrue(isolated > 1000, "the libraries are inside: " + isolated);
        }
    }

    @Test
    void anApplicationWithItsOwnOlderCaffeineAndByteBuddyKeepsUsingThem() {
        Path caffeine = ChildJvm.FOREIGN_LIBS.resolve("caffeine-2.9.3.jar");
        Path byteBuddy = ChildJvm.FOREIGN_LIBS.resolve("byte-buddy-1.14.18.jar");
        ChildResult r = ChildJvm.app(ForeignLibraries.class).classpath(caffeine, byteBuddy).run();
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals("caffeine-2.9.3.jar", r.values().get("caffeine"));
        assertEquals("byte-buddy-1.14.18.jar", r.values().get("bytebuddy"));
        assertEquals("k!", r.values().get("cached"));
        assertEquals("com.example.apps.Made", r.values().get("made"));
        assertEquals("1", r.values().get("calls.ForeignLibraries.cached"), "and the agent weaves it all the same");
    }

    @Test
    void anApplicationWithTheSdkOnItsClassPathSharesTheAgentsRuntime() {
        ChildResult r = ChildJvm.app(SdkUser.class).classpath(ChildJvm.SDK_CLASSES, ChildJvm.CAFFEINE).run();
        assertEquals("true", r.values().get("attached"), r::describe);
        assertEquals("3", r.values().get("calls"), "the API sees the woven calls");
        assertEquals("bootstrap", r.values().get("apiLoader"), "one copy of the API");
        assertEquals("true", r.values().get("sdkRuntimeOnClasspath"));

        ChildResult alone = ChildJvm.app(SdkUser.class).withoutAgent().run();
        assertEquals("false", alone.values().get("attached"), alone::describe);
        assertEquals("0", alone.values().get("calls"), "without the agent nothing is woven");
    }
}
