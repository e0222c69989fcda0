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
}
