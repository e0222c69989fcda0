package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.GuardedTools;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Fallbacks, isolation, concurrency bounds and asynchronous tools, in one child JVM with a recording. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuardedCallsIT {

    private ChildResult r;
    private Map<String, String> v;

    @BeforeAll
    void run() {
        r = ChildJvm.app(GuardedTools.class).recording().run();
        v = r.values();
    }

    private void assertEndedSoonAfter(String call, long limitMillis) {
        long millis = Long.parseLong(v.get(call + ".millis"));
        assertTrue(millis >= limitMillis && millis < limitMillis + 700, call + " returned soon after "
                + limitMillis + " ms: " + millis + " ms");
        assertEquals("false", v.get(call + ".interruptedAfter"), "no interrupt of Toolwarden's leaks: " + call);
    }

    private RecordedEvent execution(String tool) {
        List<RecordedEvent> calls = r.executions(tool);
        assertEquals(1, calls.size(), tool + ": " + calls);
        return calls.get(0);
    }

    @Test
    void aFallbackAnswersAtTheHardLimitWithTheReasonAndNoInterruptSet() {
        assertEquals("returned cached weather because ToolTimeoutException interrupted=false", v.get("search"),
                r::describe);
        assertEndedSoonAfter("search", 300);
        assertEquals("returned by fallback", v.get("ping"), "a void method's fallback runs");
        assertEquals("returned -7", v.get("count"), "a static int method's static fallback answers");
        assertEquals("returned live news", v.get("quickWithFallback"), "a call within its limit is its own answer");
        RecordedEvent search = execution("search");
        assertEquals("FALLBACK", search.getString("outcome"));
        assertEquals(null, search.getString("error"));
        assertEquals("SUCCESS", execution("quickWithFallback").getString("outcome"));
        assertEquals("1/0/1/0/1", v.get("stats.search"), "calls/errors/timeouts/rejected/fallbacks");
    }

    @Test
    void aFallbackThatThrowsGivesTheCallerItsException() {
        assertEquals("threw IllegalStateException: the fallback failed too", v.get("broken"), r::describe);
        RecordedEvent broken = execution("broken");
        assertEquals("FALLBACK", broken.getString("outcome"));
        assertEquals("java.lang.IllegalStateException", broken.getString("error"));
    }

    @Test
    void anIsolatedBusyLoopThatIgnoresInterruptsStillReturnsControlAtItsHardLimit() {
        assertEquals("timeout spinner", v.get("spinner"), r::describe);
        assertEndedSoonAfter("spinner", 300);
        assertEquals("1", v.get("abandonedDuring"), "the abandoned body is counted while it runs");
        assertEquals("0", v.get("abandonedAfter"), "and no longer once it ended");
        assertEquals("2", v.get("abandonedTotal"));
        assertEquals("returned fallback after ToolTimeoutException", v.get("spinnerWithFallback"));

        RecordedEvent hard = r.events("toolwarden.Timeout").stream()
                .filter(e -> e.getString("name").equals("spinner")).findFirst().orElseThrow();
        assertEquals("HARD", hard.getString("level"));
        assertTrue(hard.getString("stack").contains("com.example.apps.GuardedTools.spinner"),
                "the stack is the worker's, where the body spins:\n" + hard.getString("stack"));
        String thread = ((RecordedThread) hard.getValue("callThread")).getJavaName();
        assertTrue(thread.startsWith("toolwarden-isolated-"), thread);
        assertEquals("TIMEOUT", execution("spinner").getString("outcome"));
        assertEquals("FALLBACK", execution("spinnerWithFallback").getString("outcome"));
    }

    @Test
    void blockingReadsFromAPeerThatNeverAnswersEndAtTheHardLimit() {
        assertEquals("timeout channelRead", v.get("channelRead"), r::describe);
        assertEndedSoonAfter("channelRead", 300);
        assertEquals("false", v.get("channelOpenAfter"), "the interrupt closed the interruptible channel");
        // ClosedByInterruptException; with a JFR recording on JDK 17, JFR's own socket instrumentation asks
        // the closed channel for its address afterwards and throws its superclass ClosedChannelException.
        assertTrue(List.of("ClosedByInterruptException", "ClosedChannelException").contains(v.get("channelRead.cause")),
                "the body's own exception is the cause: " + v.get("channelRead.cause"));
        assertEquals("timeout socketRead", v.get("socketRead"), "a classic socket read, isolated");
        assertEndedSoonAfter("socketRead", 300);
        assertEquals("1", v.get("socketAbandoned"), "its body still waits for the peer");
        assertEquals("0", v.get("socketAbandonedAfterClose"), "and ends once the socket is closed");
    }

    @Test
    void anIsolatedCallsSoftLimitIsReportedWithTheWorkersStack() {
        RecordedEvent soft = r.events("toolwarden.Timeout").stream()
                .filter(e -> e.getString("name").equals("isolatedSleeper")).findFirst().orElseThrow();
        assertEquals("SOFT", soft.getString("level"));
        assertTrue(soft.getString("stack").contains("com.example.apps.GuardedTools.isolatedSleeper"),
                soft.getString("stack"));
        assertTrue(((RecordedThread) soft.getValue("callThread")).getJavaName().startsWith("toolwarden-isolated-"));
    }

    @Test
    void anIsolatedBodyRunsOnAWorkerWithItsResultOrExceptionPassedBack() {
        assertEquals("returned x on toolwarden-isolated request=null", v.get("isolatedWhere"),
                "a worker thread, without the caller's thread-locals");
        assertEquals("threw IOException: disk gone", v.get("isolatedThrows"), "checked exceptions pass unchanged");
        assertEquals("ERROR", execution("isolatedThrows").getString("outcome"));
        assertEquals("threw InterruptedException: sleep interrupted", v.get("isolatedInterrupted"),
                "the caller's interrupt reaches the isolated body");
        assertEquals("true", v.get("isolatedInterrupted.interruptedAfter"), "and the caller keeps it");
    }

    @Test
    void aConcurrencyBoundRejectsTheCallOverItOrLetsItsFallbackAnswer() {
        assertEquals("rejected single CONCURRENCY", v.get("singleSecond"), r::describe);
        assertEquals("returned single done", v.get("singleFirst"));
        assertEquals("returned single done", v.get("singleThird"), "the place is given back");
        assertEquals("returned busy: CONCURRENCY", v.get("singleWithFallback"));
        assertEquals("3/0/0/1/0", v.get("stats.single"));
        assertEquals("2/0/0/1/1", v.get("stats.singleWithFallback"));
        List<String> outcomes = r.executions("single").stream().map(e -> e.getString("outcome")).sorted().toList();
        assertEquals(List.of("REJECTED", "SUCCESS", "SUCCESS"), outcomes);
    }

    @Test
    void anAsynchronousToolIsTimedToTheCompletionOfItsStage() {
        assertEquals("stage failed ToolTimeoutException asyncHang", v.get("asyncHang"), r::describe);
        assertEndedSoonAfter("asyncHang", 300);
        assertEquals("true", v.get("asyncHang.sourceCancelled"), "the body's own future is cancelled");
        RecordedEvent hang = execution("asyncHang");
        assertEquals("TIMEOUT", hang.getString("outcome"));
        assertTrue(hang.getDuration().toMillis() >= 300, "recorded when the stage ended: " + hang.getDuration());
        List<String> levels = r.events("toolwarden.Timeout").stream()
                .filter(e -> e.getString("name").equals("asyncHang")).map(e -> e.getString("level")).toList();
        assertEquals(List.of("SOFT", "HARD"), levels);

        assertEquals("returned async done", v.get("asyncOk"));
        RecordedEvent ok = execution("asyncOk");
        assertEquals("SUCCESS", ok.getString("outcome"));
        assertTrue(ok.getDuration().compareTo(Duration.ofMillis(200)) >= 0,
                "the event covers the stage, not just the method: " + ok.getDuration());
        assertEquals("stage failed IllegalArgumentException", v.get("asyncFails"));
        assertEquals("ERROR", execution("asyncFails").getString("outcome"));
        assertEquals("returned async fallback q", v.get("asyncWithFallback"));
        assertEquals("FALLBACK", execution("asyncWithFallback").getString("outcome"));
        assertEquals("0", v.get("inFlightAfterwards"), "nothing is left watched");
    }

    @Test
    void pastTheBoundOnWorkersIsolatedCallsAreRejectedNotQueued() {
        ChildResult bound = ChildJvm.app(GuardedTools.class).agentArguments("isolation.threads=2").args("bound").run();
        Map<String, String> b = bound.values();
        assertEquals("timeout spinner", b.get("first"), bound::describe);
        assertEquals("timeout spinner", b.get("second"));
        assertEquals("rejected spinner ISOLATION", b.get("third"));
        assertTrue(Long.parseLong(b.get("third.millis")) < 100, "rejected at once: " + b.get("third.millis"));
        assertEquals("returned fallback after ResourceExhaustedException", b.get("thirdWithFallback"));
        assertEquals("2/2/2/2", b.get("isolation"), "max/busy/abandoned/rejected");
        assertEquals("returned y on toolwarden-isolated request=null", b.get("afterwards"),
                "workers serve again once the abandoned bodies ended");
    }
}
