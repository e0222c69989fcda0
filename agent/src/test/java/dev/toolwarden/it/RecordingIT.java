package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.apps.Conversations;
import com.example.apps.Hello;
import com.example.apps.Repeated;
import com.example.apps.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import jdk.jfr.EventType;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** The {@code toolwarden.Execution} events, as JFR tools and Toolwarden's report read them. */
class RecordingIT {

    private static final long UNKNOWN = Long.MIN_VALUE;

    @Test
    void jfrRecordWritesARecordingOnExit() {
        Path file = ChildJvm.workFile("hello.jfr");
        ChildResult r = ChildJvm.app(Hello.class).agentArguments("jfr.record=" + file).run();
        assertTrue(Files.exists(file), r::describe);
        List<RecordedEvent> events = ChildResult.events(file, "toolwarden.Execution");
        assertEquals(1, events.size());
        assertEquals("Hello.hello", events.get(0).getString("name"));
        assertTrue(r.agentLines().stream().anyMatch(l -> l.contains(" active") && l.contains("recording to " + file)),
                r::describe);
    }

    @Test
    void theEventTypeHasLabelsACategoryAndUnits() throws IOException {
        Path file = ChildJvm.workFile("metadata.jfr");
        ChildJvm.app(Hello.class).agentArguments("jfr.record=" + file).run();
        try (RecordingFile rf = new RecordingFile(file)) {
            EventType type = rf.readEventTypes().stream().filter(t -> t.getName().equals("toolwarden.Execution"))
                    .findFirst().orElseThrow();
            assertEquals("Tool Execution", type.getLabel());
            assertEquals(List.of("Toolwarden"), type.getCategoryNames());
            assertTrue(type.getDescription() != null && !type.getDescription().isEmpty());
            for (String field : List.of("kind", "name", "method", "outcome", "cacheHit", "cpuTime", "allocated",
                    "conversationId", "error")) {
                ValueDescriptor d = type.getField(field);
                assertTrue(d != null, field);
                assertTrue(d.getLabel() != null && d.getDescription() != null, field);
            }
            assertEquals("jdk.jfr.Timespan", type.getField("cpuTime").getContentType());
            assertEquals("jdk.jfr.DataAmount", type.getField("allocated").getContentType());
        }
    }

    @Test
    void jfrPrintShowsTheEvents() throws Exception {
        Path file = ChildJvm.workFile("print.jfr");
        ChildJvm.app(Hello.class).agentArguments("jfr.record=" + file).run();
        Path jfr = Paths.get(ChildJvm.JAVA).resolveSibling("jfr");
        Process p = new ProcessBuilder(jfr.toString(), "print", "--events", "toolwarden.Execution", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(out.contains("toolwarden.Execution {"), out);
        assertTrue(out.contains("name = \"Hello.hello\""), out);
        assertTrue(out.contains("outcome = \"SUCCESS\""), out);
    }

    @Test
    void theShippedJfcSettingsEnableTheEvents() throws IOException {
        Path jfc = ChildJvm.workFile("toolwarden.jfc");
        try (JarFile jar = new JarFile(ChildJvm.AGENT.toFile());
                InputStream in = jar.getInputStream(jar.getEntry("toolwarden.jfc"))) {
            Files.copy(in, jfc);
        }
        Path file = ChildJvm.workFile("jfc.jfr");
        ChildResult r = ChildJvm.app(Hello.class)
                .jvmOption("-XX:StartFlightRecording=filename=" + file + ",settings=default,settings=" + jfc).run();
        assertEquals(1, ChildResult.events(file, "toolwarden.Execution").size(), r::describe);
    }

    @Test
    void argumentValuesAreNotRecordedByDefault() throws IOException {
        ChildResult r = ChildJvm.app(Secrets.class).recording().run();
        assertEquals(2, r.executions("login").size());
        for (RecordedEvent e : r.executions("login")) {
            assertNull(e.getString("arguments"));
        }
        assertEquals("java.lang.IllegalArgumentException", r.executions("login").get(1).getString("error"),
                "the error's message may hold a secret too, so only its class is recorded");
        assertFalse(new String(Files.readAllBytes(r.recording()), StandardCharsets.ISO_8859_1).contains("hunter2"));
    }

    @Test
    void hashedArgumentsCanBeMatchedButNotRead() throws IOException {
        ChildResult r = ChildJvm.app(Secrets.class).agentArguments("jfr.arguments=hash").recording().run();
        String args = r.executions("login").get(0).getString("arguments");
        assertTrue(args.matches("\\[sha256:[0-9a-f]{16}, sha256:[0-9a-f]{16}\\]"), args);
        assertFalse(new String(Files.readAllBytes(r.recording()), StandardCharsets.ISO_8859_1).contains("hunter2"));
    }

    @Test
    void fullArgumentsAreRecordedWhenAskedFor() {
        ChildResult r = ChildJvm.app(Secrets.class).agentArguments("jfr.arguments=full").recording().run();
        assertEquals("[ann, hunter2-correct-horse]", r.executions("login").get(0).getString("arguments"));
        assertEquals("java.lang.IllegalArgumentException: empty password for bob",
                r.executions("login").get(1).getString("error"));
    }

    @Test
    void toolCallsInsideAChatHandlerBelongToItsConversation() {
        ChildResult r = ChildJvm.app(Conversations.class).recording().run();
        assertEquals("6", r.values().get("c-1.calls"), r::describe);
        assertEquals("3", r.values().get("c-2.calls"));
        assertEquals("false", r.values().get("unknown"));
        assertTrue(Long.parseLong(r.values().get("c-1.allocated")) > 0);
        List<RecordedEvent> handles = r.executions("handle");
        assertEquals("CHAT", handles.get(0).getString("kind"));
        long c1Tools = r.executions("lookup").stream().filter(e -> "c-1".equals(e.getString("conversationId"))).count();
        assertEquals(4, c1Tools, "each lookup carries the conversation of the handler that called it");
        // The conversation's wall time is its handlers' time: the nested lookups are not added twice.
        long handlerNanos = handles.stream().filter(e -> "c-1".equals(e.getString("conversationId")))
                .mapToLong(e -> e.getDuration().toNanos()).sum();
        long conversationNanos = Long.parseLong(r.values().get("c-1.wallNanos"));
        assertTrue(conversationNanos <= handlerNanos * 1.2 + 200_000,
                "conversation " + conversationNanos + " vs handlers " + handlerNanos);
    }

    @Test
    void cpuTimeCanBeSwitchedOffAndIsThenUnknownNotZero() {
        ChildResult r = ChildJvm.app(Repeated.class).agentArguments("accounting.cpu=off").args("5").recording().run();
        assertEquals("0", r.values().get("cpuMeasured.work"), r::describe);
        for (RecordedEvent e : r.executions("work")) {
            assertEquals(UNKNOWN, e.getLong("cpuTime"));
            assertTrue(e.getLong("allocated") > 0, "allocations are still measured");
        }
    }

    @Test
    void cpuTimeCanBeSampled() {
        ChildResult r = ChildJvm.app(Repeated.class).agentArguments("accounting.cpu=1/4").args("12").recording().run();
        assertEquals("12", r.values().get("calls.work"), r::describe);
        assertEquals("3", r.values().get("cpuMeasured.work"));
        assertEquals(3, r.executions("work").stream().filter(e -> e.getLong("cpuTime") != UNKNOWN).count());
    }

    @Test
    void onVirtualThreadsWhatTheJvmCannotMeasureIsRecordedAsUnknown() {
        assumeTrue(ChildJvm.childFeatureVersion() >= 21, "virtual threads need Java 21");
        ChildResult r = ChildJvm.app(Repeated.class).args("4", "virtual").recording().run();
        assertEquals("4", r.values().get("calls.work"), r::describe);
        boolean jvmMeasures = Long.parseLong(r.values().get("virtualThreadCpu")) >= 0;
        for (RecordedEvent e : r.executions("work")) {
            if (jvmMeasures) {
                assertTrue(e.getLong("cpuTime") >= 0);
            } else {
                assertEquals(UNKNOWN, e.getLong("cpuTime"), "unknown, not 0");
            }
        }
    }
}
