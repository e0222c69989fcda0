package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.Hello;
import com.example.apps.Repeated;
import com.example.apps.ToolShapes;
import dev.toolwarden.events.CacheStatisticsEvent;
import dev.toolwarden.events.ConnectionPoolEvent;
import dev.toolwarden.events.ExecutionEvent;
import dev.toolwarden.events.ResourceAlertEvent;
import dev.toolwarden.events.SystemResourcesEvent;
import dev.toolwarden.events.TimeoutEvent;
import dev.toolwarden.report.RecordingReader;
import dev.toolwarden.report.Report;
import dev.toolwarden.report.ReportException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;

/** The report command, on recordings written by the agent in child JVMs and on recordings made here. */
class ReportIT {

    private static Report.ToolSummary tool(Report r, String name) {
        return r.tools().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + r.tools()));
    }

    @Test
    void everyCallIsCountedAndThePercentilesMatchTheEvents() throws ReportException {
        ChildResult run = ChildJvm.app(Repeated.class).agentArguments("accounting.cpu=1/4").args("40").recording().run();
        Report r = RecordingReader.read(List.of(run.recording()));
        Report.ToolSummary work = tool(r, "work");
        assertEquals(40, work.calls());
        assertEquals(0, work.errors());
        assertEquals(10, work.cpuMeasured(), "one call in four");
        assertEquals(40, work.allocatedMeasured());
        assertEquals("TOOL", work.kind());
        long[] durations = run.executions("work").stream().mapToLong(e -> e.getDuration().toNanos()).sorted().toArray();
        assertEquals(durations[durations.length - 1], work.max());
        assertWithin(exact(durations, 0.50), work.p50());
        assertWithin(exact(durations, 0.95), work.p95());
        assertWithin(exact(durations, 0.99), work.p99());
        long cpu = run.executions("work").stream().mapToLong(e -> e.getLong("cpuTime")).filter(v -> v != Long.MIN_VALUE)
                .sum();
        assertEquals(cpu, work.cpuTotal());
        assertEquals(40, work.latency().stream().mapToLong(Report.LatencyBucket::count).sum());
    }

    @Test
    void errorsAndEveryToolOfAnApplicationAreReported() throws ReportException {
        ChildResult run = ChildJvm.app(ToolShapes.class).recording().run();
        Report r = RecordingReader.read(List.of(run.recording()));
        assertEquals(1, tool(r, "ToolShapes.read").errors());
        assertEquals(1, tool(r, "ToolShapes.unchecked").errors());
        assertEquals(5, tool(r, "ToolShapes.factorial").calls());
        assertEquals(run.executions().size(), r.tools().stream().mapToLong(Report.ToolSummary::calls).sum());
        assertEquals(10, r.slowest().size());
        assertTrue(r.slowest().get(0).duration() >= r.slowest().get(9).duration(), "slowest first");
    }

    @Test
    void recordingsOfSeveralJvmsAreMerged() throws ReportException {
        Path a = ChildJvm.app(Repeated.class).args("5").recording().run().recording();
        Path b = ChildJvm.app(Repeated.class).args("7").recording().run().recording();
        assertEquals(12, tool(RecordingReader.read(List.of(a, b)), "work").calls());
    }

    @Test
    void timeoutsAlertsPoolsCachesAndSystemSamplesAreSummarised() throws Exception {
        Path file = ChildJvm.workFile("components.jfr");
        try (Recording recording = new Recording()) {
            recording.start();
            ExecutionEvent slow = new ExecutionEvent();
            slow.begin();
            TimeoutEvent soft = new TimeoutEvent();
            soft.name = "search";
            soft.level = "SOFT";
            soft.limit = 1_000_000;
            soft.elapsed = 1_000_000;
            soft.callThread = Thread.currentThread();
            soft.stack = "at com.acme.Search.<init>(Search.java:12)\nat com.acme.Search.query(Search.java:40)";
            soft.commit();
            spin(5);
            slow.end();
            slow.name = "search";
            slow.kind = "TOOL";
            slow.outcome = "TIMEOUT";
            slow.cpuTime = Long.MIN_VALUE;
            slow.allocated = Long.MIN_VALUE;
            slow.commit();
            TimeoutEvent hard = new TimeoutEvent();
            hard.name = "search";
            hard.level = "HARD";
            hard.commit();
            alert("MEMORY", "SOFT", 82, 80, false);
            alert("MEMORY", "HARD", 91, 90, false);
            alert("MEMORY", "HARD", 85, 90, true);
            for (int active : new int[] {3, 9, 4}) {
                ConnectionPoolEvent p = new ConnectionPoolEvent();
                p.pool = "orders";
                p.active = active;
                p.max = 10;
                p.waiting = active == 9 ? 2 : 0;
                p.commit();
            }
            for (long[] c : new long[][] {{10, 5}, {30, 10}}) {
                CacheStatisticsEvent s = new CacheStatisticsEvent();
                s.category = "response_cache";
                s.hits = c[0];
                s.misses = c[1];
                s.size = 7;
                s.commit();
            }
            for (double cpu : new double[] {0.25, 0.75}) {
                SystemResourcesEvent s = new SystemResourcesEvent();
                s.systemCpu = cpu;
                s.processCpu = cpu / 2;
                s.heapUsed = (long) (cpu * 1000);
                s.heapMax = 4000;
                s.memoryUsed = 100;
                s.memoryTotal = 1000;
                s.commit();
            }
            recording.stop();
            recording.dump(file);
        }
        Report r = RecordingReader.read(List.of(file));
        Report.ToolSummary search = tool(r, "search");
        assertEquals(1, search.softTimeouts());
        assertEquals(1, search.hardTimeouts());
        assertEquals(-1, search.meanCpu(), "unknown CPU stays unknown");
        Report.SlowCall call = r.slowest().get(0);
        assertEquals("search", call.name());
        assertEquals("TIMEOUT", call.outcome());
        assertTrue(call.stack() != null && call.stack().contains("Search.query"), "the stack at its soft limit");
        assertEquals(List.of(false, false, true), r.alerts().stream().map(Report.Alert::cleared).toList());
        assertEquals("HARD", r.alerts().get(1).level());
        Report.PoolSummary pool = r.pools().get(0);
        assertEquals(9, pool.peakActive());
        assertEquals(0.9, pool.peakUtilisation(), 1e-9);
        assertEquals(2, pool.peakWaiting());
        Report.CacheSummary cache = r.caches().get(0);
        assertEquals(30, cache.hits(), "the last sample: totals since start");
        assertEquals(0.75, cache.hitRate(), 1e-9);
        assertEquals(0.75, r.system().peakSystemCpu(), 1e-9);
        assertEquals(750, r.system().peakHeapUsed());
        assertEquals(2, r.system().samples());
    }

    /** An Execution event as another version might write it: a field of another type, fields missing. */
    @jdk.jfr.Name("toolwarden.Execution")
    static final class OtherVersionExecution extends jdk.jfr.Event {
        String name;
        String cpuTime;
        long allocated;
    }

    @Test
    void aFieldOfAnotherTypeMakesThatFigureUnknownNotTheRecordingUnreadable() throws Exception {
        Path file = ChildJvm.workFile("other-version.jfr");
        try (Recording recording = new Recording()) {
            recording.start();
            OtherVersionExecution e = new OtherVersionExecution();
            e.name = "legacy";
            e.cpuTime = "12ms";
            e.allocated = 2048;
            e.commit();
            recording.stop();
            recording.dump(file);
        }
        Report.ToolSummary legacy = tool(RecordingReader.read(List.of(file)), "legacy");
        assertEquals(1, legacy.calls());
        assertEquals(-1, legacy.meanCpu());
        assertEquals(2048, legacy.meanAllocated());
    }

    @Test
    void percentilesNeverExceedTheLongestCall() throws ReportException {
        Path recording = ChildJvm.app(Repeated.class).args("7").recording().run().recording();
        Report.ToolSummary work = tool(RecordingReader.read(List.of(recording)), "work");
        assertTrue(work.p50() <= work.max() && work.p95() <= work.max() && work.p99() <= work.max(), work::toString);
    }

    @Test
    void cacheTotalsOfOneJvmInSeveralFilesAreNotAddedUpAndUnknownSamplesDoNotSpoilPeaks() throws Exception {
        Path first = ChildJvm.workFile("same-jvm-1.jfr");
        Path second = ChildJvm.workFile("same-jvm-2.jfr");
        for (Path file : List.of(first, second)) {
            try (Recording recording = new Recording(jdk.jfr.Configuration.getConfiguration("default"))) {
                recording.start();
                CacheStatisticsEvent s = new CacheStatisticsEvent();
                s.category = "context_cache";
                s.hits = file == first ? 40 : 90;
                s.misses = 10;
                s.commit();
                SystemResourcesEvent sample = new SystemResourcesEvent();
                sample.systemCpu = file == first ? Double.NaN : 0.5;
                sample.processCpu = 0.25;
                sample.commit();
                recording.stop();
                recording.dump(file);
            }
        }
        Report r = RecordingReader.read(List.of(first, second, first));
        Report.CacheSummary cache = r.caches().get(0);
        assertEquals(90, cache.hits(), "the same JVM's latest totals, not 40 + 90 (nor the first file twice)");
        assertEquals(0.9, cache.hitRate(), 1e-9);
        assertEquals(0.5, r.system().peakSystemCpu(), 1e-9, "an unknown (NaN) sample is ignored");
    }

    @Test
    void aRecordingWithoutToolwardenEventsSaysSo() throws Exception {
        ChildResult run = ChildJvm.app(Hello.class).withoutAgent().recording().run();
        String[] cli = ChildJvm.cli("report", run.recording().toString());
        assertEquals("0", cli[0], cli[2]);
        assertTrue(cli[1].contains("No Toolwarden events in these recordings"), cli[1]);
    }

    @Test
    void theCommandLineWritesTextJsonAndHtml() throws Exception {
        Path recording = ChildJvm.app(Repeated.class).args("3").recording().run().recording();
        String[] text = ChildJvm.cli("report", recording.toString());
        assertEquals("0", text[0], text[2]);
        assertTrue(text[1].lines().anyMatch(l -> l.matches("work\\s+TOOL\\s+3\\s+0\\s.*")), text[1]);

        Path json = ChildJvm.workFile("report.json");
        String[] j = ChildJvm.cli("report", recording.toString(), "--format", "json", "--out", json.toString());
        assertEquals("0", j[0], j[2]);
        assertEquals("", j[1], "with --out nothing goes to standard output");
        String doc = Files.readString(json);
        assertTrue(doc.startsWith("{\"format\":1,"), doc);
        assertTrue(doc.contains("{\"name\":\"work\",\"kind\":\"TOOL\",\"calls\":3,\"errors\":0,"), doc);

        String[] html = ChildJvm.cli("report", recording.toString(), "--format=html");
        assertEquals("0", html[0], html[2]);
        assertTrue(html[1].contains("<svg") && html[1].contains("work"), html[1]);
    }

    @Test
    void aFileThatIsMissingIsOneLineAndStatusTwo() throws Exception {
        assertBadInput(Path.of("/no/such/recording.jfr"), "no such file");
    }

    @Test
    void aFileThatIsNotARecordingIsOneLineAndStatusTwo() throws Exception {
        Path text = ChildJvm.workFile("notes.jfr");
        Files.writeString(text, "these are notes, not a recording\n".repeat(20));
        assertBadInput(text, "not a readable JFR recording");
    }

    @Test
    void aRecordingCutShortIsOneLineAndStatusTwo() throws Exception {
        Path whole = ChildJvm.app(Repeated.class).args("3").recording().run().recording();
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = ChildJvm.workFile("cut.jfr");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        String[] r = ChildJvm.cli("report", cut.toString());
        assertEquals("2", r[0], r[1] + r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
        assertTrue(r[2].contains(cut.toString()), r[2]);
    }

    @Test
    void anUnknownFormatIsAUsageError() throws Exception {
        String[] r = ChildJvm.cli("report", "x.jfr", "--format", "pdf");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--format pdf is not one of text, json, html"), r[2]);
    }

    private static void assertBadInput(Path file, String reason) throws Exception {
        String[] r = ChildJvm.cli("report", file.toString());
        assertEquals("2", r[0], r[1] + r[2]);
        assertEquals("", r[1]);
        assertEquals(1, r[2].strip().lines().count(), "one line: " + r[2]);
        assertTrue(r[2].contains(file.toString()) && r[2].contains(reason), r[2]);
    }


    private static void alert(String resource, String level, double value, double threshold, boolean cleared) {
        ResourceAlertEvent a = new ResourceAlertEvent();
        a.resource = resource;
        a.level = level;
        a.value = value;
        a.threshold = threshold;
        a.subject = "system";
        a.cleared = cleared;
        a.commit();
    }

    /** Busy-waits: the call must take some time, and sleeping would make the test depend on the scheduler. */
    private static void spin(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    private static long exact(long[] sorted, double q) {
        return sorted[(int) Math.max(0, Math.ceil(q * sorted.length) - 1)];
    }

    private static void assertWithin(long expected, long actual) {
        assertTrue(Math.abs(actual - expected) <= expected * 0.035 + 1,
                "expected " + expected + " within 3.5%, was " + actual);
    }
}
