package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.GuardedTools;
import com.example.apps.Undeploy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/** Toolwarden beside another agent, and in an application that drops class loaders. */
class RobustnessIT {

    private static final Path OTEL = ChildJvm.FOREIGN_LIBS.resolve("opentelemetry-javaagent-2.22.0.jar");

    private static ChildJvm withOpenTelemetry(ChildJvm jvm) {
        // No exporter: the OpenTelemetry agent instruments and records, and sends nothing anywhere.
        return jvm.property("otel.traces.exporter", "none").property("otel.metrics.exporter", "none")
                .property("otel.logs.exporter", "none").property("otel.javaagent.logging", "simple");
    }

    private static void bothWork(ChildResult r) {
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains("opentelemetry-javaagent") || r.stdout().contains("opentelemetry-javaagent"),
                () -> "the OpenTelemetry agent started: " + r.describe());
        assertTrue(r.stderr().contains("Toolwarden") && r.stderr().contains("active"), r::describe);
        assertEquals(0, r.agentErrors().size(), r::describe);
        assertEquals("returned cached weather because ToolTimeoutException interrupted=false", r.values().get("search"),
                "the application's results are the same as without the other agent");
        List<RecordedEvent> calls = r.executions("search");
        assertFalse(calls.isEmpty(), () -> "Toolwarden recorded the woven calls: " + r.describe());
        assertTrue(r.events("toolwarden.Timeout").stream().anyMatch(e -> e.getString("level").equals("HARD")),
                "its hard limits hold");
    }

    @Test
    void theOpenTelemetryAgentBeforeToolwardenBothWork() {
        assertTrue(Files.exists(OTEL), "the build copies the OpenTelemetry agent to " + OTEL);
        ChildResult r = withOpenTelemetry(ChildJvm.app(GuardedTools.class).beforeAgent("-javaagent:" + OTEL)).recording()
                .run();
        bothWork(r);
    }

    @Test
    void theOpenTelemetryAgentAfterToolwardenBothWork() {
        ChildResult r = withOpenTelemetry(ChildJvm.app(GuardedTools.class).jvmOption("-javaagent:" + OTEL)).recording()
                .run();
        bothWork(r);
    }

    @Test
    void aClassLoaderTheApplicationDropsIsGarbageCollectedWithTheAgentAttached() {
        ChildResult r = ChildJvm.app(Undeploy.class).run();
        assertEquals("worked in c", r.values().get("answer"), r::describe);
        assertEquals("101", r.values().get("calls"), "the web application's calls were woven and counted");
        assertEquals("true", r.values().get("collected"), () -> "the dropped loader was collected: " + r.describe());
    }

    @Test
    void anOverrideCallingSuperOfTheSameToolIsOneLogicalCallRecordedAndLimitedOnce() {
        ChildResult r = ChildJvm.app(com.example.apps.Overrides.class).recording().run();
        java.util.Map<String, String> v = r.values();
        assertEquals("hello ada, nice to see you", v.get("fast"), r::describe);
        assertEquals("ToolTimeoutException", v.get("slow"), "the outer call's limit covers both bodies");
        assertTrue(Long.parseLong(v.get("slowMillis")) < 550, "ended at the one limit: " + v.get("slowMillis"));
        assertEquals("2", v.get("calls"), "two logical calls, not four");
        assertEquals("1", v.get("timeouts"));
        assertEquals(2, r.executions("greet").size(), "one Execution event per logical call");
        assertEquals(1, r.events("toolwarden.Timeout").stream().filter(e -> e.getString("level").equals("HARD")).count());
    }

    @Test
    void everyPublicMethodOfALargeLibraryWovenByPatternChangesNothingOfItsWork() {
        java.nio.file.Path h2 = ChildJvm.jarOf(org.h2.Driver.class);
        ChildResult plain = ChildJvm.app(com.example.apps.BroadH2.class).classpath(h2).withoutAgent().run();
        assertEquals(0, plain.exitCode(), plain::describe);
        ChildResult woven = ChildJvm.app(com.example.apps.BroadH2.class).classpath(h2).agentArguments("methods=org.h2.**#*")
                .run();
        assertEquals(0, woven.exitCode(), woven::describe);
        assertEquals(plain.values().get("aggregates"), woven.values().get("aggregates"), woven::describe);
        assertEquals(plain.values().get("count"), woven.values().get("count"));
        assertTrue(Integer.parseInt(woven.values().get("wovenTools")) > 200,
                () -> "H2's public methods were woven and called: " + woven.values().get("wovenTools"));
        assertFalse(woven.stderr().contains("VerifyError"), woven::describe);
        assertEquals(0, woven.agentErrors().size(), woven::describe);
        // H2's geometry class names JTS types, an optional dependency not on the class path: the weaver
        // resolves no type, so that class is woven like the others, with nothing to warn about.
        assertEquals(0, woven.agentWarnings().stream().filter(l -> l.contains("cannot weave")).count(),
                woven::describe);
    }

    @Test
    void anApplicationWithItsOwnOshiJnaAndHikariCpKeepsUsingThemWhileTheAgentUsesItsOwn() {
        java.nio.file.Path libs = ChildJvm.FOREIGN_LIBS;
        ChildResult r = ChildJvm.app(com.example.apps.OwnLibraries.class)
                .classpath(libs.resolve("oshi-core-6.4.0.jar"), libs.resolve("jna-5.12.1.jar"),
                        libs.resolve("jna-platform-5.12.1.jar"), libs.resolve("slf4j-api-2.0.5.jar"),
                        libs.resolve("HikariCP-5.1.0.jar"), ChildJvm.jarOf(org.h2.Driver.class))
                .run();
        java.util.Map<String, String> v = r.values();
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(v.get("oshiJar").endsWith("oshi-core-6.4.0.jar"), v.get("oshiJar"));
        assertTrue(v.get("jnaJar").endsWith("jna-5.12.1.jar"), v.get("jnaJar"));
        assertTrue(v.get("hikariJar").endsWith("HikariCP-5.1.0.jar"), v.get("hikariJar"));
        assertTrue(Long.parseLong(v.get("memoryTotal")) > 0, "the application's OSHI works, with its own JNA");
        assertEquals("42", v.get("query"), "its HikariCP 5 pool works");
        assertEquals("worked here", v.get("tool"));
        assertEquals("true", v.get("agentSamples"), () -> "the agent's own OSHI samples too: " + r.describe());
        assertTrue(v.get("pools").contains("own-pool"), "the agent found the application's HikariCP 5 pool: " + v.get("pools"));
        assertEquals(0, r.agentErrors().size(), r::describe);
        assertFalse(r.stderr().contains("UnsatisfiedLinkError"), r::describe);
    }
}
