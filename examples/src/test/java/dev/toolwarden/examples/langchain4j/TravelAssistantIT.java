package dev.toolwarden.examples.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * The LangChain4j variant as {@code examples/run-langchain4j.sh} runs it: LangChain4j's own tool
 * execution path, a scripted model, no Toolwarden code in the application, the agent configured by
 * tool name only.
 */
class TravelAssistantIT {

    private static final Path AGENT = Paths.get(System.getProperty("toolwarden.it.agent"));
    private static final Path DEMO = Paths.get(System.getProperty("toolwarden.it.demo"));
    private static final Path WORK = Paths.get(System.getProperty("toolwarden.it.work"));

    @Test
    void langChain4jToolsGetLimitsCachingAndEventsWithNoToolwardenCodeInTheApplication() throws Exception {
        Files.createDirectories(WORK);
        Path recording = WORK.resolve("langchain4j.jfr").toAbsolutePath();
        Files.deleteIfExists(recording);
        String classpath = DEMO + File.pathSeparator + DEMO.resolveSibling("lib") + File.separator + "*";
        Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + AGENT.toAbsolutePath() + "=jfr.record=" + recording + ",db.url=none,shedding=false,"
                        + "tools.TravelTools.visaRules.timeout.soft=200ms,tools.TravelTools.visaRules.timeout.hard=500ms,tools.TravelTools.weather.cache=context_cache",
                "-cp", classpath, TravelAssistant.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.contains("[toolwarden] error"), out);

        assertTrue(out.contains("From weather: 12 C and clear in Oslo"), out);
        assertTrue(out.contains("weather tool bodies run: 2 for 4 weather questions"),
                "Oslo three times, Lisbon once: cached by configuration: " + out);
        // The tool that hangs: LangChain4j hands the model the error as the tool's result, and the
        // conversation goes on, after the configured 500 ms rather than the site's 10 s.
        Matcher atlantis = Pattern.compile("you> Visa for Atlantis\\R  assistant \\((\\d+) ms\\)> From visaRules: (.*)")
                .matcher(out);
        assertTrue(atlantis.find(), out);
        assertTrue(Long.parseLong(atlantis.group(1)) < 3000, "the call ended at its hard limit: " + atlantis.group(1) + " ms");
        assertTrue(atlantis.group(2).contains("TravelTools.visaRules passed its hard limit of 500ms"),
                "the model was told the tool timed out (ToolTimeoutException's message): " + atlantis.group(2));
        assertFalse(out.contains("[toolwarden] warn: soft limit"), "the configuration is consistent: " + out);
        assertTrue(out.contains("you> Weather in Lisbon"), "the conversation went on: " + out);

        List<RecordedEvent> events = RecordingFile.readAllEvents(recording);
        long weather = events.stream().filter(e -> e.getEventType().getName().equals("toolwarden.Execution")
                && e.getString("name").equals("TravelTools.weather")).count();
        assertEquals(4, weather, "every call is an Execution event, under the tool's name");
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("toolwarden.Execution")
                && e.getString("name").equals("TravelTools.weather") && e.getBoolean("cacheHit")));
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("toolwarden.Timeout")
                && e.getString("name").equals("TravelTools.visaRules") && e.getString("level").equals("HARD")));
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("toolwarden.Execution")
                && e.getString("name").equals("TravelTools.flights") && e.getString("outcome").equals("SUCCESS")
                && e.getLong("allocated") >= 0));
    }
}
