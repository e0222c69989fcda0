package dev.toolwarden.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** The demo as the README runs it: with the agent jar and a recording. */
class ChatDemoIT {

    private static final Path AGENT = Paths.get(System.getProperty("toolwarden.it.agent"));
    private static final Path DEMO = Paths.get(System.getProperty("toolwarden.it.demo"));
    private static final Path WORK = Paths.get(System.getProperty("toolwarden.it.work"));

    @Test
    void theDemoPrintsItsSummaryAndRecordsEveryToolCall() throws Exception {
        Files.createDirectories(WORK);
        Path recording = WORK.resolve("demo.jfr").toAbsolutePath();
        Files.deleteIfExists(recording);
        Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                // Shedding off: on this 2-core CI machine the build saturates the CPU, which would shed the demo's calls.
                "-javaagent:" + AGENT.toAbsolutePath() + "=jfr.record=" + recording, "-Dtoolwarden.shedding=false",
                // The metrics database of the demo's own: an embedded H2 file beside its recording.
                "-Dtoolwarden.db.url=jdbc:h2:file:" + recording.resolveSibling("demo-metrics-" + System.nanoTime())
                        .toAbsolutePath(),
                // As run-demo.sh runs it: rankings cached for a second, so that they follow the run.
                "-Dtoolwarden.cache.tool_recommendations.ttl=1s",
                "-jar", DEMO.toString(), "6")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Handled 36 messages"), out);
        assertTrue(out.contains("Toolwarden summary"), out);
        assertTrue(!out.contains("[toolwarden] error"), out);
        // The calculator's division by zero, printed live as it happened, once per failed call.
        long live = out.lines().filter(l -> l.contains("[live] calculator failed (ERROR: java.lang.ArithmeticException)"))
                .count();

        // The summary's call counts, per tool, as printed.
        Map<String, Long> printed = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^(\\S+)\\s+(TOOL|CHAT)\\s+(\\d+)\\s+(\\d+)").matcher(out);
        while (m.find()) {
            printed.put(m.group(1), Long.parseLong(m.group(3)));
        }
        assertEquals(36L, printed.get("chat"), out);
        long toolCalls = printed.getOrDefault("calculator", 0L) + printed.getOrDefault("web_search", 0L)
                + printed.getOrDefault("weather", 0L) + printed.getOrDefault("deep_research", 0L);
        assertEquals(36L, toolCalls, "one tool call per message: " + out);
        assertTrue(out.contains("Research tools ranked by their record: before"), out);
        Matcher errors = Pattern.compile("(?m)^calculator\\s+TOOL\\s+\\d+\\s+(\\d+)").matcher(out);
        assertTrue(errors.find(), out);
        assertEquals(Long.parseLong(errors.group(1)), live, "every failure was printed live: " + out);
        assertTrue(live > 0, out);

        // Every call is an Execution event in the recording.
        Map<String, Long> recorded = new HashMap<>();
        List<RecordedEvent> events = RecordingFile.readAllEvents(recording);
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals("toolwarden.Execution")) {
                recorded.merge(e.getString("name"), 1L, Long::sum);
            }
        }
        assertEquals(printed, recorded);

        // Caching, a hard timeout answered by the fallback, and the monitor's samples, as recorded.
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("toolwarden.Execution")
                && e.getString("name").equals("weather") && e.getBoolean("cacheHit")), "a weather forecast came from the cache");
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("toolwarden.Execution")
                && e.getString("name").equals("deep_research") && e.getString("outcome").equals("FALLBACK")),
                "deep research past its hard limit was answered by its fallback");
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("toolwarden.Timeout")
                && e.getString("name").equals("deep_research") && e.getString("level").equals("HARD")));
        assertTrue(out.contains("cache context_cache"), out);
    }
}
