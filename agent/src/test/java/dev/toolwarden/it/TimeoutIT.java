package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.SlowTools;
import dev.toolwarden.report.RecordingReader;
import dev.toolwarden.report.Report;
import java.time.Duration;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import org.junit.jupiter.api.Test;

/** Soft limits: reported while the call runs, with where it is stuck; the call goes on. */
class TimeoutIT {

    @Test
    void aCallPastItsSoftLimitIsReportedWhileItRunsWithItsStackAndThenCompletes() throws Exception {
        ChildResult r = ChildJvm.app(SlowTools.class).recording().run();
        assertEquals("found agents found agents", r.values().get("answer"), "the call went on: " + r.describe());

        List<RecordedEvent> timeouts = r.events("toolwarden.Timeout");
        assertEquals(1, timeouts.size(), "only slow-search passed its limit");
        RecordedEvent soft = timeouts.get(0);
        assertEquals("slow-search", soft.getString("name"));
        assertEquals("SOFT", soft.getString("level"));
        assertEquals(Duration.ofMillis(200), soft.getDuration("limit"));
        String stack = soft.getString("stack");
        assertTrue(stack.startsWith("at java.lang.Thread.sleep"), stack);
        assertTrue(stack.contains("com.example.apps.SlowTools.waitForTheIndex"), "where it was stuck:\n" + stack);
        assertEquals("main", ((RecordedThread) soft.getValue("callThread")).getJavaName());

        RecordedEvent call = r.executions("slow-search").get(0);
        assertEquals("SUCCESS", call.getString("outcome"));
        long reportedAfter = Duration.between(call.getStartTime(), soft.getStartTime()).toMillis();
        long beforeTheEnd = Duration.between(soft.getStartTime(), call.getEndTime()).toMillis();
        assertTrue(reportedAfter >= 200 && reportedAfter < 400, "reported at the limit, not later: " + reportedAfter);
        assertTrue(beforeTheEnd > 250, "reported while the call still ran: " + beforeTheEnd + " ms before its end");
        long elapsed = soft.getDuration("elapsed").toMillis();
        assertTrue(elapsed >= 200 && elapsed < 400, "elapsed " + elapsed);
    }

    @Test
    void listenersGetAToolTimeAlertAndTheRecordingHasIt() {
        ChildResult r = ChildJvm.app(SlowTools.class).recording().run();
        assertEquals("1", r.values().get("alerts"), r::describe);
        assertEquals("TOOL_TIME/SOFT/slow-search/true/200.0", r.values().get("alert"));
        List<RecordedEvent> alerts = r.events("toolwarden.ResourceAlert");
        assertEquals(1, alerts.size());
        assertEquals("TOOL_TIME", alerts.get(0).getString("resource"));
        assertTrue(r.agentWarnings().stream().anyMatch(l -> l.contains("slow-search passed its soft limit of 200ms")
                && l.contains("SlowTools.java")), r::describe);
    }

    @Test
    void theReportShowsTheStackOfTheSlowCallAtItsSoftLimit() throws Exception {
        ChildResult r = ChildJvm.app(SlowTools.class).recording().run();
        Report report = RecordingReader.read(List.of(r.recording()));
        Report.SlowCall slowest = report.slowest().stream().filter(c -> c.name().equals("slow-search")).findFirst()
                .orElseThrow();
        assertTrue(slowest.stack() != null && slowest.stack().contains("waitForTheIndex"), slowest::toString);
        assertEquals(1, report.tools().stream().filter(t -> t.name().equals("slow-search")).findFirst().orElseThrow()
                .softTimeouts());
    }

    @Test
    void hardLimitsEndBlockedCallsWithToolTimeoutExceptionAndLeaveNoInterruptBehind() {
        ChildResult r = ChildJvm.app(com.example.apps.HangingTools.class).recording().run();
        java.util.Map<String, String> v = r.values();
        assertEquals("timeout sleeper limit=300 cause=InterruptedException", v.get("sleeper"), r::describe);
        assertEquals("timeout taker limit=300 cause=InterruptedException", v.get("taker"));
        for (String call : List.of("sleeper", "taker")) {
            long millis = Long.parseLong(v.get(call + ".millis"));
            assertTrue(millis >= 300 && millis < 1_000, call + " ended soon after its hard limit: " + millis + " ms");
            assertEquals("false", v.get(call + ".interruptedAfter"), "Toolwarden's interrupt did not leak: " + call);
        }
        assertEquals("timeout swallower limit=300 cause=none", v.get("swallower"),
                "a call that ignores the interrupt and finishes late still times out");
        assertEquals("false", v.get("swallower.interruptedAfter"));
        assertEquals("timeout outer limit=300 cause=none", v.get("outer"),
                "the outer limit holds although the inner call swallowed the interrupt");
        assertEquals("false", v.get("outer.interruptedAfter"));
        assertEquals("10000", v.get("quick"), "quick calls with a hard limit are untouched");
        assertEquals("false", v.get("quick.interruptedAfter"));
        assertEquals("timeout swallower limit=300 cause=none", v.get("appInterrupt"));
        assertEquals("true", v.get("appInterrupt.interruptedAfter"), "the application's own interrupt is kept");

        List<RecordedEvent> hard = r.events("toolwarden.Timeout").stream()
                .filter(e -> "HARD".equals(e.getString("level"))).toList();
        assertEquals(List.of("sleeper", "taker", "swallower", "outer", "swallower"),
                hard.stream().sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime))
                        .map(e -> e.getString("name")).toList());
        RecordedEvent sleeper = r.executions("sleeper").get(0);
        assertEquals("TIMEOUT", sleeper.getString("outcome"));
        assertEquals("dev.toolwarden.ToolTimeoutException", sleeper.getString("error"));
    }

    @Test
    void tenThousandCallsInFlightAllEndWithTheirTimeoutAndLeaveNothingBehind() {
        ChildResult r = ChildJvm.app(com.example.apps.ManyTimeouts.class).args("10000").run();
        java.util.Map<String, String> v = r.values();
        assertEquals("10000", v.get("timedOut"), r::describe);
        assertEquals("0", v.get("other"));
        assertEquals("0", v.get("leftInterrupted"), "no thread is left interrupted");
        assertEquals("0", v.get("inFlightAfterwards"), "the watchdog holds nothing afterwards");
        assertEquals("10000", v.get("calls.stuck"));
        assertEquals("10000", v.get("timeouts"));
    }
}
