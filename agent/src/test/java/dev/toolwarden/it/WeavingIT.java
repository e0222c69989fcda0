package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.CustomMarkers;
import com.example.apps.SearchService;
import com.example.apps.ThirdPartyAssistant;
import com.example.apps.ToolShapes;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/** Which methods the agent weaves, and that woven methods behave exactly as before. */
class WeavingIT {

    @Test
    void everyShapeOfMethodReturnsExactlyWhatItReturnsWithoutTheAgent() {
        ChildResult plain = ChildJvm.app(ToolShapes.class).withoutAgent().run();
        assertEquals(0, plain.exitCode(), plain::describe);
        ChildResult woven = ChildJvm.app(ToolShapes.class).recording().run();
        assertEquals(0, woven.exitCode(), woven::describe);
        Map<String, String> expected = plain.values();
        Map<String, String> actual = woven.values();
        for (String key : List.of("staticAdd", "multiply", "half", "max", "read", "unchecked", "named", "squares",
                "next", "many", "factorial", "letter", "greet", "abstractTool")) {
            assertEquals(expected.get(key), actual.get(key), key);
        }
        // The application's own checked exception reaches it unchanged: same class, message and instance.
        assertEquals("java.io.FileNotFoundException:/no/such/file:same=true", actual.get("read"));
    }

    @Test
    void everyCallOfEveryShapeIsAnExecutionEvent() {
        ChildResult r = ChildJvm.app(ToolShapes.class).recording().run();
        Map<String, Long> calls = r.executions().stream()
                .collect(Collectors.groupingBy(e -> e.getString("name"), Collectors.counting()));
        assertEquals(1L, calls.get("ToolShapes.staticAdd"));
        assertEquals(1L, calls.get("ToolShapes.multiply"));
        assertEquals(1L, calls.get("ToolShapes.touch"), "void method");
        assertEquals(1L, calls.get("ToolShapes.max"), "generic method");
        assertEquals(1L, calls.get("custom-name"), "@Tool(name)");
        assertEquals(2L, calls.get("ToolShapes.next"), "synchronized method");
        assertEquals(1L, calls.get("ToolShapes.many"), "many long and double parameters");
        assertEquals(5L, calls.get("ToolShapes.factorial"), "each level of a recursive method");
        assertEquals(1L, calls.get("Greeter.greet"), "interface default method");
        assertFalse(calls.containsKey("Base.abstractTool"), "abstract methods are not woven");
        assertFalse(calls.containsKey("Impl.abstractTool"), "an unannotated override is not woven");

        RecordedEvent read = r.executions("ToolShapes.read").get(0);
        assertEquals("ERROR", read.getString("outcome"));
        assertEquals("java.io.FileNotFoundException", read.getString("error"));
        assertEquals("com.example.apps.ToolShapes#read(String)", read.getString("method"));
        assertEquals("TOOL", read.getString("kind"));
        RecordedEvent add = r.executions("ToolShapes.staticAdd").get(0);
        assertEquals("SUCCESS", add.getString("outcome"));
        assertTrue(add.getDuration().toNanos() > 0);
        assertTrue(add.getLong("allocated") >= 0, "allocations are measured on platform threads");
        assertTrue(add.getLong("cpuTime") >= 0, "CPU time is measured by default");
    }

    @Test
    void anAbstractToolIsReportedAtWeaveTimeNamingTheMethod() {
        ChildResult r = ChildJvm.app(ToolShapes.class).run();
        assertTrue(r.agentWarnings().stream().anyMatch(l -> l.contains("com.example.apps.ToolShapes$Base#abstractTool()")
                && l.contains("abstract")), r::describe);
    }

    @Test
    void langChain4jAndSpringAiToolsAreWovenWithNoConfigurationAtAll() {
        ChildResult r = ChildJvm.app(ThirdPartyAssistant.class).recording().run();
        assertEquals("ThirdPartyAssistant.fahrenheit,ThirdPartyAssistant.weather,spring_time,stock_price",
                r.values().get("tools"), r::describe);
        assertEquals("sunny in Oslo", r.values().get("weather"));
        assertEquals(1, r.executions("stock_price").size(), "the annotation's own name attribute names the tool");
        assertEquals(0, r.executions().stream().filter(e -> e.getString("name").contains("notATool")).count());
    }

    @Test
    void configuredAnnotationsMarkToolsAndChatHandlers() {
        ChildResult none = ChildJvm.app(CustomMarkers.class).run();
        assertEquals("", none.values().get("tools"), "not woven without configuration");

        ChildResult r = ChildJvm.app(CustomMarkers.class)
                .agentArguments("tool.annotations=com.example.apps.CustomMarkers$Action,"
                        + "chat.annotations=com.example.apps.CustomMarkers$Conversation")
                .run();
        assertEquals("CustomMarkers.reply,lookup", r.values().get("tools"), r::describe);
        assertEquals("CHAT", r.values().get("kind.CustomMarkers.reply"));
        assertEquals("TOOL", r.values().get("kind.lookup"));
        assertEquals("re: HI", r.values().get("reply"));
    }

    @Test
    void anExactMethodPatternChoosesThatMethodWhateverItsVisibility() {
        ChildResult r = ChildJvm.app(SearchService.class)
                .agentArguments("methods=com.example.apps.SearchService#query,com.example.apps.SearchService#normalise")
                .run();
        assertEquals("SearchService.normalise,SearchService.query", r.values().get("tools"), r::describe);
        assertEquals("results for java", r.values().get("query"));
    }

    @Test
    void aWildcardPatternChoosesThePublicMethodsOfOnePackage() {
        ChildResult r = ChildJvm.app(SearchService.class).agentArguments("methods=com.example.apps.Search*#*").run();
        assertEquals("SearchService.query,SearchService.suggest", r.values().get("tools"),
                r::describe);
    }

    @Test
    void aDoubleStarCrossesPackagesAndExcludeNarrowsIt() {
        ChildResult all = ChildJvm.app(SearchService.class).agentArguments("methods=com.example.**#run").run();
        assertEquals("Indexer.run", all.values().get("tools"), all::describe);
        ChildResult excluded = ChildJvm.app(SearchService.class)
                .agentArguments("methods=com.example.**#run,exclude=com.example.apps.sub").run();
        assertEquals("", excluded.values().get("tools"), excluded::describe);
        ChildResult included = ChildJvm.app(SearchService.class)
                .agentArguments("methods=com.example.**#run,include=org.other").run();
        assertEquals("", included.values().get("tools"), included::describe);
    }
}
