package dev.toolwarden.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * The demo as the README runs it (shortened to 8 rounds, which still sends every scripted message):
 * with the agent jar and a recording, checking what the README promises in its output and in the
 * recording.
 */
class ChatDemoIT {

    private static final Path AGENT = Paths.get(System.getProperty("toolwarden.it.agent"));
    private static final Path DEMO = Paths.get(System.getProperty("toolwarden.it.demo"));
    private static final Path WORK = Paths.get(System.getProperty("toolwarden.it.work"));

    @Test
    void theScriptedSessionShowsEveryBehaviourInItsSummaryAndItsRecording() throws Exception {
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
                "-jar", DEMO.toString(), "8")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Handled 96 messages"), out);
        assertTrue(out.contains("Toolwarden summary"), out);
        assertFalse(out.contains("[toolwarden] error"), out);
        assertFalse(out.contains("shed"), "a pool's alert sheds nothing (only memory and CPU do): " + out);

        // The summary's figures, per tool, as printed: name kind calls errors soft hard fallbacks hits.
        Map<String, long[]> printed = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^(\\S+)\\s+(TOOL|CHAT)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(out);
        while (m.find()) {
            printed.put(m.group(1), new long[] {Long.parseLong(m.group(3)), Long.parseLong(m.group(4)),
                Long.parseLong(m.group(5)), Long.parseLong(m.group(6)), Long.parseLong(m.group(7))});
        }
        assertEquals(96L, printed.get("chat")[0], out);
        long toolCalls = printed.entrySet().stream().filter(e -> !e.getKey().equals("chat")).mapToLong(e -> e.getValue()[0]).sum();
        assertEquals(96L, toolCalls, "one tool call per message: " + out);
        assertTrue(printed.get("web_search")[2] > 0, "soft limits passed: " + out);
        assertTrue(printed.get("deep_research")[3] > 0 && printed.get("deep_research")[4] > 0,
                "hard limits, answered by the fallback: " + out);
        assertTrue(printed.get("fetch_page")[3] > 0, "an isolated call past its hard limit: " + out);
        assertTrue(out.matches("(?s).*isolation workers: [1-9]\\d* abandoned bodies.*"), out);
        assertTrue(out.matches("(?s).*\\nweather\\s+TOOL.*?\\s[1-9]\\d*%.*"), "weather's cache hit rate: " + out);
        assertTrue(out.contains("pool shop"), "the application's own pool: " + out);
        assertTrue(out.contains("DB_CONNECTIONS HARD raised=1") && out.contains("DB_CONNECTIONS HARD cleared=1")
                || out.matches("(?s).*DB_CONNECTIONS HARD cleared=\\d.*DB_CONNECTIONS HARD raised=\\d.*"),
                "the rush raised the pool's alert and it cleared: " + out);
        assertTrue(out.contains("[alert] DB_CONNECTIONS HARD raised for shop"), "printed live: " + out);
        assertTrue(out.matches("(?s).*Research tools ranked by their record: before \\[.*\\], after \\[.*\\].*"), out);
        Matcher memory = Pattern.compile("(?m)^ada-morning\\s+\\d+\\s+\\S+\\s+\\S+\\s+\\S+ \\S+\\s+([0-9.]+) (B|KB|MB)").matcher(out);
        assertTrue(memory.find() && Double.parseDouble(memory.group(1)) > 0, "conversation memory: " + out);

        // Failed calls streamed live as they happened (the first ones printed, all counted).
        assertTrue(out.contains("[live] calculator failed (ERROR: java.lang.ArithmeticException)"), out);
        assertTrue(out.contains("[live] fetch_page failed (TIMEOUT: dev.toolwarden.ToolTimeoutException)"), out);
        Matcher live = Pattern.compile("\\[live\\] (\\d+) failed calls in all were reported live").matcher(out);
        assertTrue(live.find(), out);
        assertEquals(printed.get("calculator")[1] + printed.get("fetch_page")[3], Long.parseLong(live.group(1)),
                "every error and every timeout without a fallback, streamed: " + out);

        // The recording: every call an Execution event; the behaviours as events.
        List<RecordedEvent> events = RecordingFile.readAllEvents(recording);
        Map<String, Long> recorded = new HashMap<>();
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals("toolwarden.Execution")) {
                recorded.merge(e.getString("name"), 1L, Long::sum);
            }
        }
        Map<String, Long> printedCalls = new HashMap<>();
        printed.forEach((k, v) -> printedCalls.put(k, v[0]));
        assertEquals(printedCalls, recorded);
        assertTrue(any(events, "toolwarden.Execution", e -> e.getString("name").equals("weather") && e.getBoolean("cacheHit")),
                "a weather forecast came from the cache");
        assertTrue(any(events, "toolwarden.Execution", e -> e.getString("name").equals("deep_research")
                && e.getString("outcome").equals("FALLBACK")), "deep research past its hard limit was answered by its fallback");
        assertTrue(any(events, "toolwarden.Timeout", e -> e.getString("name").equals("web_search")
                && e.getString("level").equals("SOFT")), "a soft limit, with the stack where it was");
        assertTrue(any(events, "toolwarden.Timeout", e -> e.getString("name").equals("fetch_page")
                && e.getString("level").equals("HARD")), "the isolated call's hard limit");
        assertTrue(any(events, "toolwarden.ResourceAlert", e -> e.getString("resource").equals("DB_CONNECTIONS")
                && !e.getBoolean("cleared")), "the pool's alert raised");
        assertTrue(any(events, "toolwarden.ResourceAlert", e -> e.getString("resource").equals("DB_CONNECTIONS")
                && e.getBoolean("cleared")), "and cleared");
        assertTrue(any(events, "toolwarden.ConnectionPool", e -> e.getString("pool").equals("shop") && e.getInt("max") == 4),
                "the shop's pool sampled");
        assertTrue(any(events, "toolwarden.ConversationMemory", e -> e.getLong("bytes") > 0), "conversation memory");
        assertTrue(any(events, "toolwarden.Execution", e -> e.getString("name").equals("summarize")
                && e.getLong("allocated") > 1_000_000), "the heavy tool's allocations");
    }

    private static boolean any(List<RecordedEvent> events, String type, Predicate<RecordedEvent> test) {
        return events.stream().anyMatch(e -> e.getEventType().getName().equals(type) && test.test(e));
    }
}
