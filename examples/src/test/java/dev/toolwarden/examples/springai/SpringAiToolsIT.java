package dev.toolwarden.examples.springai;

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

/** Spring AI's {@code @Tool} methods through Spring AI's tool callbacks, with the agent configured by tool name. */
class SpringAiToolsIT {

    private static final Path AGENT = Paths.get(System.getProperty("toolwarden.it.agent"));
    private static final Path DEMO = Paths.get(System.getProperty("toolwarden.it.demo"));
    private static final Path WORK = Paths.get(System.getProperty("toolwarden.it.work"));

    @Test
    void springAiToolsGetLimitsCachingAndEventsThroughSpringAisOwnCallbacks() throws Exception {
        Files.createDirectories(WORK);
        Path recording = WORK.resolve("springai.jfr").toAbsolutePath();
        Files.deleteIfExists(recording);
        String classpath = DEMO + File.pathSeparator + DEMO.resolveSibling("lib") + File.separator + "*";
        Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + AGENT.toAbsolutePath() + "=jfr.record=" + recording + ",db.url=none,shedding=false,"
                        + "tools.SpringAiTools.visaRules.timeout.soft=200ms,tools.SpringAiTools.visaRules.timeout.hard=500ms,"
                        + "tools.SpringAiTools.weather.cache=context_cache",
                "-cp", classpath, SpringAiTools.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.contains("[toolwarden] error"), out);
        assertTrue(out.contains("weather tool bodies run: 2 for 3 weather requests"), "Oslo twice, Bergen once: " + out);
        Matcher atlantis = Pattern.compile("visaRules \\{\"\\w+\": \"Atlantis\"\\} \\((\\d+) ms\\) -> (.*)").matcher(out);
        assertTrue(atlantis.find(), out);
        assertTrue(Long.parseLong(atlantis.group(1)) < 3000, "ended at the hard limit: " + atlantis.group(1) + " ms");
        assertTrue(atlantis.group(2).startsWith("error for the model: ") && atlantis.group(2).contains("hard limit of 500ms"),
                "Spring AI turned the ToolTimeoutException into a message for the model: " + atlantis.group(2));
        List<RecordedEvent> events = RecordingFile.readAllEvents(recording);
        assertEquals(3, events.stream().filter(e -> e.getEventType().getName().equals("toolwarden.Execution")
                && e.getString("name").equals("SpringAiTools.weather")).count(), "every call an Execution event");
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("toolwarden.Timeout")
                && e.getString("name").equals("SpringAiTools.visaRules") && e.getString("level").equals("HARD")));
    }
}
