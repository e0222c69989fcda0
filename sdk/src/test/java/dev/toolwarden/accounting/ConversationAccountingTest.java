package dev.toolwarden.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.ConversationStatistics;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConversationAccountingTest {

    private static final long UNKNOWN = ThreadResources.UNKNOWN;

    private final ConversationAccounting accounting = new ConversationAccounting(Duration.ofMinutes(30));

    @Test
    void unknownConversationHasNoSnapshot() {
        assertNull(accounting.snapshot("nobody"));
        assertEquals(0, accounting.size());
    }

    @Test
    void outermostCallsAreSummed() {
        accounting.record("c1", true, 100, 10, 1000);
        accounting.record("c1", true, 200, 20, 2000);
        ConversationStatistics s = accounting.snapshot("c1");
        assertEquals("c1", s.conversationId());
        assertEquals(2, s.calls());
        assertEquals(Duration.ofNanos(300), s.wallTime());
        assertEquals(Duration.ofNanos(30), s.cpuTime());
        assertEquals(3000, s.allocatedBytes());
    }

    @Test
    void nestedCallsCountAsCallsButNotAsResources() {
        accounting.record("c1", false, 50, 5, 500);
        accounting.record("c1", true, 100, 10, 1000);
        ConversationStatistics s = accounting.snapshot("c1");
        assertEquals(2, s.calls());
        assertEquals(Duration.ofNanos(100), s.wallTime());
        assertEquals(Duration.ofNanos(10), s.cpuTime());
        assertEquals(1000, s.allocatedBytes());
    }

    @Test
    void unknownCpuAndAllocationAreNotAdded() {
        accounting.record("c1", true, 100, 10, 1000);
        accounting.record("c1", true, 100, UNKNOWN, UNKNOWN);
        ConversationStatistics s = accounting.snapshot("c1");
        assertEquals(Duration.ofNanos(10), s.cpuTime());
        assertEquals(1000, s.allocatedBytes());
        assertEquals(Duration.ofNanos(200), s.wallTime());
    }

    @Test
    void conversationsAreKeptApart() {
        accounting.record("c1", true, 100, 10, 1000);
        accounting.record("c2", true, 7, 1, 1);
        assertEquals(Duration.ofNanos(100), accounting.snapshot("c1").wallTime());
        assertEquals(Duration.ofNanos(7), accounting.snapshot("c2").wallTime());
        assertEquals(2, accounting.size());
    }

    @Test
    void lastActivityIsWhenTheLastCallEnded() {
        Instant before = Instant.now().minusMillis(1);
        accounting.record("c1", true, 100, 10, 1000);
        Instant after = Instant.now().plusMillis(1);
        Instant last = accounting.snapshot("c1").lastActivity();
        assertNotNull(last);
        assertTrue(!last.isBefore(before) && !last.isAfter(after), last + " not in [" + before + ", " + after + "]");
    }
}
