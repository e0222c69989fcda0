package dev.toolwarden.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toolwarden.ConversationStatistics;
import dev.toolwarden.ExecutionKind;
import dev.toolwarden.ToolStatistics;
import dev.toolwarden.accounting.ThreadResources;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ToolwardenRuntimeTest {

    private static final CallPolicy POLICY =
            new CallPolicy(Duration.ofSeconds(30), Duration.ofSeconds(60), false, null, null, 0, null);

    private static final Object UNTRACKED = new Object();

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() {
        Log.setOutput(new PrintStream(logged, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
    }

    private String log() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    private static ToolwardenRuntime runtime(String... systemProperties) {
        Map<String, String> props = new java.util.HashMap<>();
        for (int i = 0; i < systemProperties.length; i += 2) {
            props.put(systemProperties[i], systemProperties[i + 1]);
        }
        Configuration c = Configuration.load(null, props, Map.of());
        assertEquals(List.of(), c.problems());
        return new ToolwardenRuntime(c, false);
    }

    private static int tool(ToolwardenRuntime runtime, String name) {
        return runtime.register(new MethodDescriptor(name, ExecutionKind.TOOL, "com.x.Y#m()", POLICY));
    }

    private static int chat(ToolwardenRuntime runtime, String name) {
        return runtime.register(new MethodDescriptor(name, ExecutionKind.CHAT, "com.x.Chat#answer(String)", POLICY));
    }

    private static ToolStatistics statistics(ToolwardenRuntime runtime, String name) {
        return runtime.statistics().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no statistics for " + name + " in " + runtime.statistics()));
    }

    private static void call(ToolwardenRuntime runtime, int id, Object conversation, Throwable thrown) {
        runtime.exit(runtime.enter(id, conversation, null), thrown);
    }

    private static long count(String text, String part) {
        long n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    // ------------------------------------------------------------------ statistics

    @Test
    void statisticsCountCallsAndErrors() {
        ToolwardenRuntime r = runtime();
        int add = tool(r, "Calculator.add");
        call(r, add, null, null);
        call(r, add, null, new IllegalStateException("boom"));
        call(r, add, null, null);
        ToolStatistics s = statistics(r, "Calculator.add");
        assertEquals(3, s.calls());
        assertEquals(1, s.errors());
        assertEquals(ExecutionKind.TOOL, s.kind());
    }

    @Test
    void statisticsMeasureWallTime() {
        ToolwardenRuntime r = runtime();
        int add = tool(r, "Calculator.add");
        long before = System.nanoTime();
        call(r, add, null, null);
        long elapsed = System.nanoTime() - before;
        ToolStatistics s = statistics(r, "Calculator.add");
        assertTrue(s.totalTime().toNanos() <= elapsed, s.totalTime() + " > " + elapsed + "ns");
        assertEquals(s.totalTime(), s.maxTime());
    }

    @Test
    void chatHandlersAreReportedAsChat() {
        ToolwardenRuntime r = runtime();
        call(r, chat(r, "Assistant.answer"), "c1", null);
        assertEquals(ExecutionKind.CHAT, statistics(r, "Assistant.answer").kind());
    }

    @Test
    void toolsWithoutEndedCallsAreLeftOutOfStatistics() {
        ToolwardenRuntime r = runtime();
        tool(r, "Never.called");
        int running = tool(r, "Still.running");
        Object context = r.enter(running, null, null);
        try {
            assertEquals(List.of(), r.statistics());
        } finally {
            r.exit(context, null);
        }
        assertEquals(List.of("Still.running"), names(r));
    }

    @Test
    void statisticsAreSortedByName() {
        ToolwardenRuntime r = runtime();
        int b = tool(r, "b.Tool");
        int a = tool(r, "a.Tool");
        int c = tool(r, "c.Tool");
        call(r, c, null, null);
        call(r, a, null, null);
        call(r, b, null, null);
        assertEquals(List.of("a.Tool", "b.Tool", "c.Tool"), names(r));
    }

    @Test
    void methodsRegisteredUnderOneNameShareTheirStatistics() {
        ToolwardenRuntime r = runtime();
        int first = tool(r, "Search.query");
        int second = r.register(new MethodDescriptor("Search.query", ExecutionKind.TOOL,
                "com.x.Search#query(String, int)", POLICY));
        assertFalse(first == second);
        call(r, first, null, null);
        call(r, second, null, null);
        assertEquals(2, statistics(r, "Search.query").calls());
        assertEquals(1, r.statistics().size());
    }

    @Test
    void runtimesKeepTheirOwnStatistics() {
        ToolwardenRuntime one = runtime();
        ToolwardenRuntime two = runtime();
        call(one, tool(one, "Calculator.add"), null, null);
        tool(two, "Calculator.add");
        assertEquals(List.of(), two.statistics());
    }

    private static List<String> names(ToolwardenRuntime r) {
        return r.statistics().stream().map(ToolStatistics::name).collect(Collectors.toList());
    }

    // ------------------------------------------------------------------ unknown and untracked calls

    @Test
    void enterWithAnUnknownIdReturnsNull() {
        ToolwardenRuntime r = runtime();
        tool(r, "Calculator.add");
        assertNull(r.enter(999, null, null));
        assertNull(r.enter(-1, null, null));
        assertNull(r.enter(Integer.MAX_VALUE, "c1", null));
        assertEquals(0, r.internalErrors());
    }

    @Test
    void exitOfAnUntrackedCallDoesNothing() {
        ToolwardenRuntime r = runtime();
        int add = tool(r, "Calculator.add");
        assertDoesNotThrow(() -> r.exit(null, null));
        assertDoesNotThrow(() -> r.exit(null, new RuntimeException("body failed")));
        assertEquals(List.of(), r.statistics());
        call(r, add, null, null);
        assertEquals(1, statistics(r, "Calculator.add").calls());
    }

    @Test
    void callsNestedBeyondTheMaximumDepthAreNotAccountedAndNeverThrow() {
        ToolwardenRuntime r = runtime();
        int walk = tool(r, "Recursive.walk");
        Deque<Object> open = new ArrayDeque<>();
        int tracked = 0;
        try {
            for (int i = 0; i < CallStack.MAX_DEPTH + 20; i++) {
                Object context = assertDoesNotThrow(() -> r.enter(walk, null, null));
                if (context != null) {
                    tracked++;
                }
                open.push(context == null ? UNTRACKED : context);
            }
        } finally {
            // End every call even when one exit fails, so that this thread's call stack is left empty.
            List<Throwable> failures = new java.util.ArrayList<>();
            while (!open.isEmpty()) {
                Object context = open.pop();
                try {
                    r.exit(context == UNTRACKED ? null : context, null);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }
            assertEquals(List.of(), failures);
        }
        assertEquals(CallStack.MAX_DEPTH, tracked);
        assertEquals(CallStack.MAX_DEPTH, statistics(r, "Recursive.walk").calls());
        assertEquals(0, r.internalErrors());
    }

    @Test
    void theThreadCanBeNestedAgainAfterDeepRecursionEnded() {
        ToolwardenRuntime r = runtime();
        int walk = tool(r, "Recursive.walk");
        Deque<Object> open = new ArrayDeque<>();
        for (int i = 0; i < CallStack.MAX_DEPTH; i++) {
            open.push(r.enter(walk, null, null));
        }
        while (!open.isEmpty()) {
            r.exit(open.pop(), null);
        }
        Object outer = r.enter(walk, "c1", null);
        assertNotNull(outer);
        call(r, walk, null, null);
        r.exit(outer, null);
        assertEquals(2, r.conversation("c1").calls());
    }

    // ------------------------------------------------------------------ conversations

    @Test
    void callWithAConversationIsCountedForIt() {
        ToolwardenRuntime r = runtime();
        int answer = chat(r, "Assistant.answer");
        call(r, answer, "c1", null);
        call(r, answer, "c1", null);
        ConversationStatistics c = r.conversation("c1");
        assertNotNull(c);
        assertEquals(2, c.calls());
        assertEquals(statistics(r, "Assistant.answer").totalTime(), c.wallTime());
    }

    @Test
    void conversationIdIsTheArgumentsText() {
        ToolwardenRuntime r = runtime();
        call(r, chat(r, "Assistant.answer"), new StringBuilder("conv-7"), null);
        assertNotNull(r.conversation("conv-7"));
    }

    @Test
    void unknownConversationIsNull() {
        ToolwardenRuntime r = runtime();
        call(r, tool(r, "Calculator.add"), null, null);
        assertNull(r.conversation("nobody"));
        assertNull(r.conversation(null));
    }

    @Test
    void nestedCallWithoutConversationInheritsTheOuterCallsConversation() {
        ToolwardenRuntime r = runtime();
        int answer = chat(r, "Assistant.answer");
        int add = tool(r, "Calculator.add");
        Object outer = r.enter(answer, "c1", null);
        call(r, add, null, null);
        r.exit(outer, null);
        assertEquals(2, r.conversation("c1").calls());
    }

    @Test
    void conversationResourcesAreCountedOnceForNestedCalls() {
        ToolwardenRuntime r = runtime();
        int answer = chat(r, "Assistant.answer");
        int add = tool(r, "Calculator.add");
        Object outer = r.enter(answer, "c1", null);
        call(r, add, null, null);
        call(r, add, "c1", null);
        r.exit(outer, null);
        ToolStatistics handler = statistics(r, "Assistant.answer");
        ConversationStatistics c = r.conversation("c1");
        assertEquals(3, c.calls());
        assertEquals(handler.totalTime(), c.wallTime());
        assertEquals(handler.cpuTime(), c.cpuTime());
        assertEquals(handler.allocatedBytes(), c.allocatedBytes());
    }

    @Test
    void nestedCallForAnotherConversationCountsForThatConversation() {
        ToolwardenRuntime r = runtime();
        int answer = chat(r, "Assistant.answer");
        int add = tool(r, "Calculator.add");
        Object outer = r.enter(answer, "c1", null);
        call(r, add, "c2", null);
        r.exit(outer, null);
        assertEquals(1, r.conversation("c1").calls());
        assertEquals(1, r.conversation("c2").calls());
        assertEquals(statistics(r, "Calculator.add").totalTime(), r.conversation("c2").wallTime());
        assertEquals(statistics(r, "Assistant.answer").totalTime(), r.conversation("c1").wallTime());
    }

    @Test
    void conversationResourcesAreCountedOnceWhenANestedCallComesBackToIt() {
        ToolwardenRuntime r = runtime();
        int answer = chat(r, "Assistant.answer");
        int delegate = chat(r, "Delegate.answer");
        int add = tool(r, "Calculator.add");
        Object outer = r.enter(answer, "c1", null);
        Object middle = r.enter(delegate, "c2", null);
        call(r, add, "c1", null);
        r.exit(middle, null);
        r.exit(outer, null);
        ConversationStatistics c1 = r.conversation("c1");
        assertEquals(2, c1.calls());
        assertEquals(statistics(r, "Assistant.answer").totalTime(), c1.wallTime());
    }

    @Test
    void callsAfterAConversationEndedAreNotAttributedToIt() {
        ToolwardenRuntime r = runtime();
        int answer = chat(r, "Assistant.answer");
        int add = tool(r, "Calculator.add");
        call(r, answer, "c1", null);
        call(r, add, null, null);
        assertEquals(1, r.conversation("c1").calls());
    }

    // ------------------------------------------------------------------ measurement settings

    @Test
    void cpuTimeIsMeasuredOnEveryCallByDefault() {
        assumeTrue(new ThreadResources(true).measuresCpu(), "this JVM cannot measure thread CPU time");
        ToolwardenRuntime r = runtime();
        int add = tool(r, "Calculator.add");
        for (int i = 0; i < 5; i++) {
            call(r, add, null, null);
        }
        assertEquals(5, statistics(r, "Calculator.add").cpuMeasuredCalls());
    }

    @Test
    void cpuAccountingOffMeasuresNoCpuTime() {
        ToolwardenRuntime r = runtime("toolwarden.accounting.cpu", "off");
        int add = tool(r, "Calculator.add");
        for (int i = 0; i < 5; i++) {
            call(r, add, null, null);
        }
        ToolStatistics s = statistics(r, "Calculator.add");
        assertEquals(5, s.calls());
        assertEquals(0, s.cpuMeasuredCalls());
        assertEquals(Duration.ZERO, s.cpuTime());
    }

    @Test
    void cpuAccountingOneInNMeasuresOneCallInN() {
        assumeTrue(new ThreadResources(true).measuresCpu(), "this JVM cannot measure thread CPU time");
        ToolwardenRuntime r = runtime("toolwarden.accounting.cpu", "1/3");
        int add = tool(r, "Calculator.add");
        for (int i = 0; i < 9; i++) {
            call(r, add, null, null);
        }
        assertEquals(3, statistics(r, "Calculator.add").cpuMeasuredCalls());
    }

    @Test
    void allocationsAreMeasuredEvenWithCpuAccountingOff() {
        assumeTrue(new ThreadResources(false).allocatedBytes() != ThreadResources.UNKNOWN,
                "this JVM cannot measure thread allocations");
        ToolwardenRuntime r = runtime("toolwarden.accounting.cpu", "off");
        int add = tool(r, "Calculator.add");
        call(r, add, null, null);
        assertEquals(1, statistics(r, "Calculator.add").allocationMeasuredCalls());
    }

    @Test
    void argumentsAreOnlyWantedWhenEventsRecordThem() {
        assertFalse(runtime().recordsArguments());
        assertTrue(runtime("toolwarden.jfr.arguments", "hash").recordsArguments());
        assertTrue(runtime("toolwarden.jfr.arguments", "full").recordsArguments());
    }

    @Test
    void runtimeSaysWhetherTheAgentCreatedIt() {
        Configuration c = Configuration.defaults();
        assertFalse(new ToolwardenRuntime(c, false).agentAttached());
        assertTrue(new ToolwardenRuntime(c, true).agentAttached());
        assertSame(c, new ToolwardenRuntime(c, false).configuration());
    }

    // ------------------------------------------------------------------ internal failures

    @Test
    void failureOnEnterNeverReachesTheCaller() {
        ToolwardenRuntime r = runtime("toolwarden.debug.fail", "enter");
        int add = tool(r, "Calculator.add");
        for (int i = 0; i < 5; i++) {
            assertDoesNotThrow(() -> call(r, add, "c1", null));
        }
        assertEquals(5, r.internalErrors());
        assertEquals(List.of(), r.statistics());
    }

    @Test
    void failureOnEnterIsLoggedOnce() {
        ToolwardenRuntime r = runtime("toolwarden.debug.fail", "enter");
        int add = tool(r, "Calculator.add");
        for (int i = 0; i < 5; i++) {
            call(r, add, null, null);
        }
        String log = log();
        assertEquals(1, count(log, "internal error"), log);
        assertTrue(log.contains("accounting on entry"), log);
        assertEquals(1, r.errors().kinds());
    }

    @Test
    void failureOnExitNeverReachesTheCaller() {
        ToolwardenRuntime r = runtime("toolwarden.debug.fail", "exit");
        int add = tool(r, "Calculator.add");
        for (int i = 0; i < 5; i++) {
            Object context = assertDoesNotThrow(() -> r.enter(add, "c1", null));
            assertNotNull(context);
            Throwable thrown = i % 2 == 0 ? null : new RuntimeException("body");
            assertDoesNotThrow(() -> r.exit(context, thrown));
        }
        assertEquals(5, r.internalErrors());
    }

    @Test
    void failureOnExitIsLoggedOnce() {
        ToolwardenRuntime r = runtime("toolwarden.debug.fail", "exit");
        int add = tool(r, "Calculator.add");
        for (int i = 0; i < 5; i++) {
            call(r, add, null, null);
        }
        String log = log();
        assertEquals(1, count(log, "internal error"), log);
        assertTrue(log.contains("accounting on exit"), log);
    }

    @Test
    void failedExitStillEndsTheCall() {
        ToolwardenRuntime failing = runtime("toolwarden.debug.fail", "exit");
        call(failing, tool(failing, "Assistant.answer"), "leaked", null);
        ToolwardenRuntime healthy = runtime();
        int add = tool(healthy, "Calculator.add");
        call(healthy, add, null, null);
        assertNull(healthy.conversation("leaked"));
        assertEquals(1, statistics(healthy, "Calculator.add").calls());
    }

    @Test
    void healthyRuntimeHasNoInternalErrors() {
        ToolwardenRuntime r = runtime();
        int add = tool(r, "Calculator.add");
        call(r, add, "c1", null);
        call(r, add, null, new RuntimeException("the body's own failure"));
        assertEquals(0, r.internalErrors());
        assertFalse(log().contains("internal error"), log());
    }

    @Test
    void aFrameWhoseExitNeverRanLeavesNothingForTheNextCallOnTheThread() {
        ToolwardenRuntime r = runtime();
        int outer = chat(r, "abandon-outer");
        int inner = tool(r, "abandon-inner");
        int later = tool(r, "abandon-later");
        Object o = r.enter(outer, "conv-abandoned", null);
        assertNotNull(r.enter(inner, null, null), "entered, and its exit never runs");
        r.exit(o, null);
        r.exit(r.enter(later, null, null), null);
        assertEquals(1, r.conversation("conv-abandoned").calls(), "the later call is not the abandoned one's child");
        assertEquals(1, statistics(r, "abandon-later").calls());
    }

    @Test
    void wovenCallsMadeWhileToolwardenReadsAnArgumentAreNotAccounted() {
        ToolwardenRuntime r = runtime();
        int handle = tool(r, "reentrant-handle");
        int describe = tool(r, "reentrant-toString");
        Object ticket = new Object() {
            @Override
            public String toString() {
                // As if toString were woven itself (a broad method pattern): it must not recurse into accounting.
                r.exit(r.enter(describe, null, null), null);
                return "ticket-1";
            }
        };
        call(r, handle, ticket, null);
        assertEquals(1, statistics(r, "reentrant-handle").calls());
        assertTrue(r.statistics().stream().noneMatch(s -> s.name().equals("reentrant-toString")), r.statistics()::toString);
        assertEquals(1, r.conversation("ticket-1").calls());
        ticket.toString();
        assertEquals(1, statistics(r, "reentrant-toString").calls(), "called by the application, it is accounted");
    }

    @Test
    void aConversationArgumentWhoseToStringThrowsLeavesTheCallAccountedWithoutAConversation() {
        ToolwardenRuntime r = runtime();
        int handle = tool(r, "throwing-conversation");
        Object broken = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no id yet");
            }
        };
        call(r, handle, broken, null);
        call(r, handle, broken, null);
        assertEquals(2, statistics(r, "throwing-conversation").calls());
        assertEquals(2, r.internalErrors());
        assertEquals(1, count(log(), "reading a @ConversationId argument"), log());
    }
}
