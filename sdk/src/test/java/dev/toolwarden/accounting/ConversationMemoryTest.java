package dev.toolwarden.accounting;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.Alert;
import dev.toolwarden.log.Log;
import dev.toolwarden.monitor.Limit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The memory side of {@link ConversationAccounting}: sizes, their limits, and forgetting conversations. */
class ConversationMemoryTest {

    private static final long SOFT = 1_000;
    private static final long HARD = 2_000;

    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private ConversationAccounting accounting;

    @BeforeEach
    void setUp() {
        Log.setOutput(new PrintStream(logged, true, StandardCharsets.UTF_8));
        accounting = new ConversationAccounting(Duration.ofMinutes(30), 1_000, SOFT, HARD, alerts::add);
    }

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
    }

    private static String describe(List<Alert> list) {
        return list.stream().map(a -> a.subject() + ":" + a.level() + (a.cleared() ? "-cleared" : "") + "@"
                + (long) a.value()).collect(Collectors.joining(", ", "[", "]"));
    }

    private static void assertAlert(Alert a, String subject, String level, double value, double threshold,
            boolean cleared) {
        assertAll(
                () -> assertEquals("CONVERSATION_MEMORY", a.resource(), "resource"),
                () -> assertEquals(subject, a.subject(), "subject is the conversation id"),
                () -> assertEquals(level, a.level(), "level"),
                () -> assertEquals(value, a.value(), 0.0, "value"),
                () -> assertEquals(threshold, a.threshold(), 0.0, "threshold"),
                () -> assertEquals(cleared, a.cleared(), "cleared"));
    }

    private long memory(String id) {
        return accounting.snapshot(id).memoryBytes();
    }

    /** Lets a conversation be idle until the accounting drops it (at most 5 s). */
    private static void awaitDropped(ConversationAccounting accounting, String id, Duration idle)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        do {
            sleepPast(idle);
            accounting.cleanUp();
        } while (accounting.snapshot(id) != null && System.nanoTime() < deadline);
    }

    private static void sleepPast(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis() * 3);
    }

    @Test
    void addMemoryAccumulates() {
        accounting.addMemory("c1", 100);
        accounting.addMemory("c1", 250);
        assertEquals(350, memory("c1"));
        accounting.addMemory("c1", -50);
        assertEquals(300, memory("c1"));
        assertEquals(0, accounting.snapshot("c1").calls(), "memory is not a call");
        assertTrue(alerts.isEmpty(), () -> describe(alerts));
    }

    @Test
    void setMemoryReplaces() {
        accounting.addMemory("c1", 700);
        accounting.setMemory("c1", 120);
        assertEquals(120, memory("c1"));
        accounting.addMemory("c1", 30);
        assertEquals(150, memory("c1"));
    }

    @Test
    void memoryNeverGoesNegative() {
        accounting.addMemory("c1", 100);
        accounting.addMemory("c1", -500);
        assertEquals(0, memory("c1"));
        accounting.addMemory("c1", 40);
        assertEquals(40, memory("c1"), "after clamping, additions start from 0");
        accounting.setMemory("c1", -10);
        assertEquals(0, memory("c1"));
        accounting.addMemory("new", -1);
        assertEquals(0, memory("new"));
    }

    @Test
    void memoryIsPerConversation() {
        accounting.addMemory("c1", 100);
        accounting.addMemory("c2", 900);
        assertEquals(100, memory("c1"));
        assertEquals(900, memory("c2"));
        assertNull(accounting.snapshot("c3"));
    }

    @Test
    void crossingSoftAndHardRaisesAlertsNamingTheConversation() {
        accounting.addMemory("chat-1", 500);
        assertTrue(alerts.isEmpty(), () -> describe(alerts));

        accounting.addMemory("chat-1", 600); // 1100
        assertEquals(1, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(0), "chat-1", "SOFT", 1_100, SOFT, false);
        assertFalse(accounting.overHardLimit("chat-1"), "soft only");

        accounting.addMemory("chat-1", 100); // 1200: nothing new
        assertEquals(1, alerts.size(), () -> describe(alerts));

        accounting.addMemory("chat-1", 800); // 2000: exactly the hard limit
        assertEquals(2, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(1), "chat-1", "HARD", 2_000, HARD, false);
        assertTrue(accounting.overHardLimit("chat-1"));
    }

    @Test
    void setMemoryOverHardRaisesSoftAndHardAtOnce() {
        accounting.setMemory("c1", 5_000);
        assertEquals(2, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(0), "c1", "SOFT", 5_000, SOFT, false);
        assertAlert(alerts.get(1), "c1", "HARD", 5_000, HARD, false);
    }

    @Test
    void overHardLimitIsPerConversation() {
        accounting.setMemory("big", 3_000);
        accounting.setMemory("small", 10);
        assertTrue(accounting.overHardLimit("big"));
        assertFalse(accounting.overHardLimit("small"));
        assertFalse(accounting.overHardLimit("unknown"));
        assertFalse(accounting.overHardLimit(null));
        assertTrue(alerts.stream().allMatch(a -> a.subject().equals("big")), () -> describe(alerts));
    }

    @Test
    void shrinkingBelowTheHysteresisEndsTheHardLimit() {
        accounting.setMemory("c1", 2_500);
        assertTrue(accounting.overHardLimit("c1"));
        alerts.clear();

        long clearBelow = (long) (HARD * (1 - Limit.HYSTERESIS)); // 1900
        accounting.setMemory("c1", 1_950);
        assertTrue(accounting.overHardLimit("c1"), "still within the hysteresis");
        accounting.setMemory("c1", clearBelow);
        assertTrue(accounting.overHardLimit("c1"), "exactly hard * (1 - HYSTERESIS) does not clear");
        assertTrue(alerts.isEmpty(), () -> describe(alerts));

        accounting.addMemory("c1", -1); // 1899
        assertFalse(accounting.overHardLimit("c1"));
        assertEquals(1, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(0), "c1", "HARD", 1_899, HARD, true);

        accounting.setMemory("c1", 100);
        assertEquals(2, alerts.size(), () -> describe(alerts));
        assertAlert(alerts.get(1), "c1", "SOFT", 100, SOFT, true);
    }

    @Test
    void clearForgetsTheConversationAndItsHardLimit() {
        accounting.setMemory("c1", 2_500);
        accounting.setMemory("c2", 2_500);
        assertTrue(accounting.overHardLimit("c1"));
        alerts.clear();

        accounting.clear("c1");
        assertFalse(accounting.overHardLimit("c1"));
        assertNull(accounting.snapshot("c1"));
        assertTrue(accounting.overHardLimit("c2"), "other conversations keep theirs");
        assertTrue(alerts.stream().allMatch(a -> a.cleared() && a.subject().equals("c1")),
                () -> "clearing only clears: " + describe(alerts));
        assertTrue(accounting.activeAlerts().stream().noneMatch(a -> "c1".equals(a.subject())),
                () -> describe(accounting.activeAlerts()));

        // A conversation that comes back starts from nothing.
        accounting.addMemory("c1", 10);
        assertEquals(10, memory("c1"));
        assertFalse(accounting.overHardLimit("c1"));

        accounting.clear("never-seen"); // no-op, no exception
        assertNull(accounting.snapshot("never-seen"));
    }

    @Test
    void activeAlertsListTheConversationsOverTheirLimits() {
        accounting.setMemory("soft", 1_500);
        accounting.setMemory("hard", 2_500);
        accounting.setMemory("fine", 10);
        Map<String, List<String>> active = accounting.activeAlerts().stream().collect(Collectors.groupingBy(
                Alert::subject, Collectors.mapping(Alert::level, Collectors.toList())));
        assertEquals(Map.of("soft", List.of("SOFT"), "hard", List.of("SOFT", "HARD")), active);
    }

    @Test
    void largestIsOrderedByBytes() {
        accounting.setMemory("a", 300);
        accounting.setMemory("b", 50);
        accounting.setMemory("c", 900);
        accounting.setMemory("d", 0);
        accounting.setMemory("e", 600);

        List<Map.Entry<String, Long>> top = accounting.largest(3);
        assertEquals(List.of(Map.entry("c", 900L), Map.entry("e", 600L), Map.entry("a", 300L)), top);

        List<Map.Entry<String, Long>> all = accounting.largest(10);
        assertEquals(List.of("c", "e", "a", "b"), all.stream().map(Map.Entry::getKey).toList(),
                "conversations holding nothing are left out");
        assertTrue(accounting.largest(0).isEmpty());
    }

    @Test
    void snapshotReportsMemoryWithoutCountingAsActivity() {
        accounting.record("c1", true, 100, 10, 1000);
        accounting.addMemory("c1", 1234);
        assertNotNull(accounting.snapshot("c1"));
        assertEquals(1234, accounting.snapshot("c1").memoryBytes());
        assertEquals(1, accounting.snapshot("c1").calls());
    }

    @Test
    void atMostMaxConversationsAreKept() {
        ConversationAccounting small = new ConversationAccounting(Duration.ofMinutes(30), 3, SOFT, HARD, alerts::add);
        for (int i = 1; i <= 5; i++) {
            small.addMemory("c" + i, 100 * i);
        }
        small.cleanUp();
        assertTrue(small.size() <= 3, "tracked: " + small.size());
        assertTrue(small.droppedEarly() >= 2, "dropped early: " + small.droppedEarly());
        long present = java.util.stream.IntStream.rangeClosed(1, 5)
                .filter(i -> small.snapshot("c" + i) != null).count();
        assertEquals(small.size(), present);
    }

    @Test
    void conversationsDroppedForSpaceLoseTheirHardLimit() {
        ConversationAccounting small = new ConversationAccounting(Duration.ofMinutes(30), 3, SOFT, HARD, alerts::add);
        for (int i = 1; i <= 5; i++) {
            small.setMemory("c" + i, 5_000);
        }
        small.cleanUp();
        assertTrue(small.droppedEarly() >= 2, "dropped early: " + small.droppedEarly());
        for (int i = 1; i <= 5; i++) {
            String id = "c" + i;
            if (small.snapshot(id) == null) {
                assertFalse(small.overHardLimit(id), id + " is no longer tracked, yet its calls are refused");
            } else {
                assertTrue(small.overHardLimit(id), id);
            }
        }
    }

    @Test
    void idleConversationsExpireWithTheirHardLimit() throws Exception {
        Duration idle = Duration.ofMillis(200);
        ConversationAccounting shortLived = new ConversationAccounting(idle, 1_000, SOFT, HARD, alerts::add);
        shortLived.setMemory("idle", 5_000);
        assertTrue(shortLived.overHardLimit("idle"));
        assertNotNull(shortLived.snapshot("idle"));

        awaitDropped(shortLived, "idle", idle);

        assertNull(shortLived.snapshot("idle"), "dropped after being idle");
        assertFalse(shortLived.overHardLimit("idle"), "its over-hard state went with it");
        assertEquals(0, shortLived.size());
        assertEquals(0, shortLived.droppedEarly(), "expiry is not an early drop");
        assertTrue(shortLived.largest(5).isEmpty());
        assertTrue(shortLived.activeAlerts().isEmpty());
    }

    @Test
    void aConversationDroppedWhileOverItsLimitsHasItsAlertsCleared() throws Exception {
        Duration idle = Duration.ofMillis(200);
        ConversationAccounting shortLived = new ConversationAccounting(idle, 1_000, SOFT, HARD, alerts::add);
        shortLived.setMemory("gone", 5_000);
        assertEquals("[gone:SOFT@5000, gone:HARD@5000]", describe(alerts));
        awaitDropped(shortLived, "gone", idle);
        assertNull(shortLived.snapshot("gone"));
        // Every raised alert is cleared by one: listeners and recordings do not keep a conversation over for ever.
        assertEquals(2, alerts.stream().filter(Alert::cleared).count(), describe(alerts));
        assertFalse(shortLived.overHardLimit("gone"));
    }

    @Test
    void refusedCallsAreActivityThatKeepsAConversationOverItsHardLimitTracked() throws Exception {
        Duration idle = Duration.ofMillis(300);
        ConversationAccounting shortLived = new ConversationAccounting(idle, 1_000, SOFT, HARD, alerts::add);
        shortLived.setMemory("busy", 5_000);
        long end = System.nanoTime() + idle.toNanos() * 4;
        while (System.nanoTime() < end) {
            assertTrue(shortLived.overHardLimit("busy"), "its calls are refused (each refusal is activity)");
            Thread.sleep(30);
            shortLived.cleanUp();
        }
        assertNotNull(shortLived.snapshot("busy"), "not dropped as idle while its calls keep coming");
        assertEquals(5_000, shortLived.snapshot("busy").memoryBytes());
    }

    @Test
    void snapshotsDoNotKeepAConversationAlive() throws Exception {
        Duration idle = Duration.ofMillis(200);
        ConversationAccounting shortLived = new ConversationAccounting(idle, 1_000, SOFT, HARD, alerts::add);
        shortLived.setMemory("c1", 10);
        long end = System.nanoTime() + idle.toNanos() * 3;
        while (System.nanoTime() < end) {
            shortLived.snapshot("c1");
            Thread.sleep(20);
        }
        shortLived.cleanUp();
        assertNull(shortLived.snapshot("c1"));
    }
}
