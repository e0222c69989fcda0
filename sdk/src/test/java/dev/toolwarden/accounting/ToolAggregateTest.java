package dev.toolwarden.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.ExecutionKind;
import dev.toolwarden.ToolStatistics;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolAggregateTest {

    private static final long UNKNOWN = ThreadResources.UNKNOWN;

    @Test
    void snapshotNamesTheToolAndItsKind() {
        ToolStatistics s = new ToolAggregate("Chat.answer", ExecutionKind.CHAT).snapshot();
        assertEquals("Chat.answer", s.name());
        assertEquals(ExecutionKind.CHAT, s.kind());
    }

    @Test
    void noCallsGiveZeroTotalsAndUnknownMeans() {
        ToolStatistics s = new ToolAggregate("Calculator.add", ExecutionKind.TOOL).snapshot();
        assertEquals(0, s.calls());
        assertEquals(0, s.errors());
        assertEquals(Duration.ZERO, s.totalTime());
        assertEquals(Duration.ZERO, s.maxTime());
        assertEquals(Duration.ZERO, s.p50());
        assertEquals(Duration.ZERO, s.meanTime());
        assertEquals(Optional.empty(), s.meanCpuTime());
        assertEquals(-1, s.meanAllocatedBytes());
        assertEquals(0, s.cpuMeasuredCalls());
        assertEquals(0, s.allocationMeasuredCalls());
    }

    @Test
    void callsAndWallTimeAreSummed() {
        ToolAggregate a = new ToolAggregate("Calculator.add", ExecutionKind.TOOL);
        a.record(100, 10, 1000, dev.toolwarden.Outcome.SUCCESS);
        a.record(300, 30, 3000, dev.toolwarden.Outcome.SUCCESS);
        a.record(200, 20, 2000, dev.toolwarden.Outcome.SUCCESS);
        ToolStatistics s = a.snapshot();
        assertEquals(3, s.calls());
        assertEquals(Duration.ofNanos(600), s.totalTime());
        assertEquals(Duration.ofNanos(200), s.meanTime());
    }

    @Test
    void maxIsTheLongestCall() {
        ToolAggregate a = new ToolAggregate("Calculator.add", ExecutionKind.TOOL);
        a.record(100, 10, 10, dev.toolwarden.Outcome.SUCCESS);
        a.record(9_000, 10, 10, dev.toolwarden.Outcome.SUCCESS);
        a.record(300, 10, 10, dev.toolwarden.Outcome.SUCCESS);
        assertEquals(Duration.ofNanos(9_000), a.snapshot().maxTime());
    }

    @Test
    void errorsCountFailedCallsOnly() {
        ToolAggregate a = new ToolAggregate("Calculator.add", ExecutionKind.TOOL);
        a.record(100, 10, 10, dev.toolwarden.Outcome.ERROR);
        a.record(100, 10, 10, dev.toolwarden.Outcome.SUCCESS);
        a.record(100, 10, 10, dev.toolwarden.Outcome.ERROR);
        ToolStatistics s = a.snapshot();
        assertEquals(3, s.calls());
        assertEquals(2, s.errors());
    }

    @Test
    void cpuTimeAndAllocationsAreSummedOverMeasuredCalls() {
        ToolAggregate a = new ToolAggregate("Calculator.add", ExecutionKind.TOOL);
        a.record(100, 40, 1000, dev.toolwarden.Outcome.SUCCESS);
        a.record(100, 60, 3000, dev.toolwarden.Outcome.SUCCESS);
        ToolStatistics s = a.snapshot();
        assertEquals(Duration.ofNanos(100), s.cpuTime());
        assertEquals(2, s.cpuMeasuredCalls());
        assertEquals(4000, s.allocatedBytes());
        assertEquals(2, s.allocationMeasuredCalls());
        assertEquals(Optional.of(Duration.ofNanos(50)), s.meanCpuTime());
        assertEquals(2000, s.meanAllocatedBytes());
    }

    @Test
    void unknownCpuTimeIsNotCountedAsMeasured() {
        ToolAggregate a = new ToolAggregate("Calculator.add", ExecutionKind.TOOL);
        a.record(100, 40, 1000, dev.toolwarden.Outcome.SUCCESS);
        a.record(100, UNKNOWN, 1000, dev.toolwarden.Outcome.SUCCESS);
        ToolStatistics s = a.snapshot();
        assertEquals(Duration.ofNanos(40), s.cpuTime());
        assertEquals(1, s.cpuMeasuredCalls());
        assertEquals(Optional.of(Duration.ofNanos(40)), s.meanCpuTime());
    }

    @Test
    void unknownAllocationIsNotCountedAsMeasured() {
        ToolAggregate a = new ToolAggregate("Calculator.add", ExecutionKind.TOOL);
        a.record(100, 40, 1000, dev.toolwarden.Outcome.SUCCESS);
        a.record(100, 40, UNKNOWN, dev.toolwarden.Outcome.SUCCESS);
        ToolStatistics s = a.snapshot();
        assertEquals(1000, s.allocatedBytes());
        assertEquals(1, s.allocationMeasuredCalls());
        assertEquals(1000, s.meanAllocatedBytes());
    }

    @Test
    void callsWithNothingMeasuredLeaveMeansUnknown() {
        ToolAggregate a = new ToolAggregate("Calculator.add", ExecutionKind.TOOL);
        a.record(100, UNKNOWN, UNKNOWN, dev.toolwarden.Outcome.SUCCESS);
        ToolStatistics s = a.snapshot();
        assertEquals(1, s.calls());
        assertEquals(Duration.ZERO, s.cpuTime());
        assertEquals(0, s.cpuMeasuredCalls());
        assertEquals(0, s.allocationMeasuredCalls());
        assertEquals(Optional.empty(), s.meanCpuTime());
        assertEquals(-1, s.meanAllocatedBytes());
    }

    @Test
    void measuredZeroIsAMeasurement() {
        ToolAggregate a = new ToolAggregate("Calculator.add", ExecutionKind.TOOL);
        a.record(100, 0, 0, dev.toolwarden.Outcome.SUCCESS);
        ToolStatistics s = a.snapshot();
        assertEquals(1, s.cpuMeasuredCalls());
        assertEquals(1, s.allocationMeasuredCalls());
        assertEquals(0, s.meanAllocatedBytes());
    }

    @Test
    void percentilesFollowTheRecordedDurations() {
        ToolAggregate a = new ToolAggregate("Search.query", ExecutionKind.TOOL);
        for (int i = 1; i <= 1000; i++) {
            a.record(i * 1_000_000L, UNKNOWN, UNKNOWN, dev.toolwarden.Outcome.SUCCESS);
        }
        ToolStatistics s = a.snapshot();
        assertClose(500_000_000L, s.p50().toNanos());
        assertClose(950_000_000L, s.p95().toNanos());
        assertClose(990_000_000L, s.p99().toNanos());
        assertEquals(Duration.ofMillis(1000), s.maxTime());
    }

    private static void assertClose(long expected, long actual) {
        assertTrue(Math.abs(actual - expected) <= expected * 0.035, "expected about " + expected + " but was " + actual);
    }
}
