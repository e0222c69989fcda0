package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.BadAnnotations;
import com.example.apps.Hello;
import com.example.apps.SearchService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every configuration source, their precedence, and what bad configuration does. */
class ConfigurationIT {

    private static final String QUERY = "toolwarden.methods=com.example.apps.SearchService#query";

    private static Path configFile(String... lines) throws IOException {
        Path file = ChildJvm.workFile("toolwarden.properties");
        Files.write(file, List.of(lines));
        return file;
    }

    @Test
    void aPropertiesFileNamedByToolwardenConfigIsRead() throws IOException {
        Path file = configFile("toolwarden.methods=com.example.apps.SearchService#suggest");
        ChildResult r = ChildJvm.app(SearchService.class).property("toolwarden.config", file.toString()).run();
        assertEquals("SearchService.suggest", r.values().get("tools"), r::describe);
    }

    @Test
    void theEnvironmentWinsOverTheFile() throws IOException {
        Path file = configFile("toolwarden.methods=com.example.apps.SearchService#suggest");
        ChildResult r = ChildJvm.app(SearchService.class).env("TOOLWARDEN_CONFIG", file.toString())
                .env("TOOLWARDEN_METHODS", "com.example.apps.SearchService#query").run();
        assertEquals("SearchService.query", r.values().get("tools"), r::describe);
    }

    @Test
    void systemPropertiesWinOverTheEnvironment() throws IOException {
        Path file = configFile("toolwarden.methods=com.example.apps.SearchService#suggest");
        ChildResult r = ChildJvm.app(SearchService.class).property("toolwarden.config", file.toString())
                .env("TOOLWARDEN_METHODS", "com.example.apps.SearchService#query")
                .property("toolwarden.methods", "com.example.apps.sub.Indexer#run").run();
        assertEquals("Indexer.run", r.values().get("tools"), r::describe);
    }

    @Test
    void agentArgumentsWinOverEverything() throws IOException {
        Path file = configFile("toolwarden.methods=com.example.apps.SearchService#suggest");
        ChildResult r = ChildJvm.app(SearchService.class).property("toolwarden.config", file.toString())
                .env("TOOLWARDEN_METHODS", "com.example.apps.SearchService#query")
                .property("toolwarden.methods", "com.example.apps.sub.Indexer#run")
                .agentArguments("toolwarden.methods=com.example.apps.SearchService#helper").run();
        assertEquals("SearchService.helper", r.values().get("tools"), r::describe);
    }

    @Test
    void aListInAgentArgumentsContinuesAfterCommasUntilTheNextKey() {
        ChildResult r = ChildJvm.app(SearchService.class)
                .agentArguments("methods=com.example.apps.SearchService#query,com.example.apps.sub.Indexer#run,"
                        + "log.level=info")
                .run();
        assertEquals("Indexer.run,SearchService.query", r.values().get("tools"), r::describe);
        assertTrue(r.agentWarnings().isEmpty(), r::describe);
    }

    @Test
    void aMalformedDurationIsOneClearLineAndTheApplicationRunsWithTheDefault() {
        ChildResult r = ChildJvm.app(Hello.class).property("toolwarden.timeout.soft", "abc").run();
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals("yes", r.values().get("started"));
        assertEquals("1", r.values().get("calls.Hello.hello"), "the agent still works");
        List<String> warnings = r.agentWarnings();
        assertEquals(1, warnings.size(), r::describe);
        String line = warnings.get(0);
        assertTrue(line.contains("toolwarden.timeout.soft=abc"), line);
        assertTrue(line.contains("system property"), line);
        assertTrue(line.contains("duration such as 250ms"), line);
        assertTrue(line.contains("default 30s"), line);
    }

    @Test
    void anUnknownKeyIsNamedWithTheKeyItProbablyMeant() {
        ChildResult r = ChildJvm.app(Hello.class).agentArguments("timout.hard=5s").run();
        assertEquals("yes", r.values().get("started"));
        assertEquals(1, r.agentWarnings().size(), r::describe);
        assertTrue(r.agentWarnings().get(0).contains("unknown configuration key toolwarden.timout.hard=5s"));
        assertTrue(r.agentWarnings().get(0).contains("did you mean toolwarden.timeout.hard?"));
    }

    @Test
    void aPercentageOverOneHundredIsRejected() {
        ChildResult r = ChildJvm.app(Hello.class).env("TOOLWARDEN_LIMITS_CPU_HARD", "150").run();
        assertEquals("yes", r.values().get("started"));
        String line = String.join("\n", r.agentWarnings());
        assertTrue(line.contains("toolwarden.limits.cpu.hard=150"), r::describe);
        assertTrue(line.contains("environment variable TOOLWARDEN_LIMITS_CPU_HARD"), line);
        assertTrue(line.contains("percentage between 0 and 100"), line);
    }

    @Test
    void anUnreadableConfigFileIsReportedAndTheRestStillApplies() {
        ChildResult r = ChildJvm.app(SearchService.class).property("toolwarden.config", "/no/such/toolwarden.properties")
                .agentArguments(QUERY).run();
        assertEquals("SearchService.query", r.values().get("tools"), r::describe);
        String line = String.join("\n", r.agentWarnings());
        assertTrue(line.contains("cannot read toolwarden.config=/no/such/toolwarden.properties"), r::describe);
        assertTrue(line.contains("no such file"), line);
    }

    @Test
    void strictModeStopsTheJvmAtStartUpWithTheSameLine() {
        ChildResult r = ChildJvm.app(Hello.class).property("toolwarden.strict", "true")
                .property("toolwarden.timeout.soft", "abc").expectingAgentErrors().run();
        assertNotEquals(0, r.exitCode(), r::describe);
        assertNull(r.values().get("started"), "the application's main never ran");
        assertTrue(r.agentErrors().stream().anyMatch(l -> l.contains("toolwarden.timeout.soft=abc")), r::describe);
        assertTrue(r.agentErrors().stream().anyMatch(l -> l.contains("toolwarden.strict=true")), r::describe);
    }

    @Test
    void strictModeSaysWhyItStopsTheJvmEvenWithLoggingOff() {
        ChildResult r = ChildJvm.app(Hello.class).agentArguments("strict=true,log.level=off,timeout.hard=5x")
                .expectingAgentErrors().run();
        assertNotEquals(0, r.exitCode(), r::describe);
        assertNull(r.values().get("started"), "the application's main never ran");
        assertTrue(r.agentErrors().stream().anyMatch(l -> l.contains("toolwarden.timeout.hard=5x")), r::describe);
        assertTrue(r.agentErrors().stream().anyMatch(l -> l.contains("stopping the JVM")), r::describe);
    }

    @Test
    void periodsLongerThanAnyClockStartTheAgentNormally() {
        // Durations are accepted however long ("never"): none may fail the start half-way.
        ChildResult r = ChildJvm.app(Hello.class)
                .agentArguments("startup.grace=200000000000d,monitor.interval=PT9223372036854775807S,"
                        + "db.flush-interval=200000000000d,timeout.hard=200000000000d")
                .run();
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals("1", r.values().get("calls.Hello.hello"), r::describe);
        assertTrue(r.stderr().lines().noneMatch(l -> l.contains("failed to start")), r::describe);
    }

    @Test
    void strictModeWithGoodConfigurationStartsNormally() {
        ChildResult r = ChildJvm.app(Hello.class).agentArguments("strict=true,timeout.soft=10s").run();
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals("1", r.values().get("calls.Hello.hello"));
    }

    @Test
    void disabledTransformsNothing() {
        ChildResult r = ChildJvm.app(Hello.class).agentArguments("enabled=false").recording().run();
        assertEquals("hello world", r.values().get("hello"));
        assertEquals("", r.values().get("tools"));
        assertEquals(0, r.executions().size());
        assertTrue(r.agentLines().stream().anyMatch(l -> l.contains("disabled")), r::describe);
    }

    @Test
    void invalidAnnotationValuesAreReportedAtWeaveTimeAndTheMethodsStillRun() {
        ChildResult r = ChildJvm.app(BadAnnotations.class).run();
        assertEquals("ranranranranranran", r.values().get("results"), r::describe);
        String warnings = String.join("\n", r.agentWarnings());
        assertTrue(warnings.contains("invalid @Timeout(soft = \"soon\") on com.example.apps.BadAnnotations#badDurations()"),
                warnings);
        assertTrue(warnings.contains("invalid @Timeout(hard = \"5 minutes\")"), warnings);
        assertTrue(warnings.contains("invalid @Tool(maxConcurrent = -3) on com.example.apps.BadAnnotations#negativeBound()"),
                warnings);
        assertTrue(warnings.contains("invalid @Fallback(\"missing\") on com.example.apps.BadAnnotations#missingFallback(String):"
                + " com.example.apps.BadAnnotations#missing cannot be its fallback"), warnings);
        assertTrue(warnings.contains("com.example.apps.BadAnnotations#wrongReturn cannot be its fallback (it returns int, "
                + "not String)"), warnings);
        assertTrue(warnings.contains("invalid @Cached(ttl = \"forever\")"), warnings);
        assertTrue(!warnings.contains("goodFallback"), "a fallback that fits is accepted: " + warnings);
        assertEquals("1", r.values().get("calls.BadAnnotations.badDurations"));
    }
}
