package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.CachedTools;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code @Cached} methods woven by the agent, in one child JVM with a recording. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CachingIT {

    private ChildResult r;
    private Map<String, String> v;

    @BeforeAll
    void run() {
        r = ChildJvm.app(CachedTools.class).recording()
                .agentArguments("startup.grace=0s,cache.refreshing.ttl=1h,cache.refreshing.refresh-after=300ms,"
                        + "tools.configured.cache=response_cache")
                .run();
        v = r.values();
    }

    @Test
    void aSecondCallWithTheSameArgumentsIsAHitThatRunsNothing() {
        assertEquals("answer to weather", v.get("lookup.second"), r::describe);
        assertEquals("1", v.get("lookup.runs"));
        assertEquals("2/1/0", v.get("stats.lookup"), "calls/hits/errors: the hit counts as a call of the tool");
        List<RecordedEvent> lookups = r.executions("lookup");
        assertTrue(lookups.stream().anyMatch(e -> e.getBoolean("cacheHit") && "SUCCESS".equals(e.getString("outcome"))),
                "the hit is an Execution event with cacheHit=true");
        assertTrue(lookups.stream().anyMatch(e -> !e.getBoolean("cacheHit")), "the miss ran the body");
        assertEquals("1", v.get("configured.runs"), "a tool cached by configuration, not annotated");
    }

    @Test
    void eachCategoryInUseIsAnMXBeanThatCanBeEmptied() {
        assertEquals(v.get("response_cache.hitsAndMisses").split("/")[0], v.get("jmx.hits"), r::describe);
        assertEquals("true", v.get("jmx.hitRate"));
        assertEquals("0", v.get("jmx.sizeAfterInvalidate"));
    }

    @Test
    void eachCategoryInUseHasPeriodicStatisticsEvents() {
        List<RecordedEvent> stats = r.events("toolwarden.CacheStatistics");
        assertTrue(stats.stream().anyMatch(e -> e.getString("category").equals("response_cache") && e.getLong("hits") > 0
                && e.getLong("misses") > 0), () -> "response_cache statistics: " + stats);
        assertTrue(stats.stream().anyMatch(e -> e.getString("category").equals("refreshing")), "a configured category");
    }

    @Test
    void twoUsersOrTwoSessionsNeverSeeEachOthersAnswer() {
        assertEquals("for bob: capital of France?", v.get("answer.bob"), r::describe);
        assertEquals("for alice: capital of France?", v.get("answer.aliceAgain"),
                "alice's answer again, although a parameter outside the key changed");
        assertEquals("2", v.get("answer.runs"));
        assertEquals("alice/s2: q", v.get("inSession.otherSession"));
        assertEquals("2", v.get("inSession.runs"));
    }

    @Test
    void aHundredConcurrentIdenticalCallsRunTheBodyOnceAndOtherKeysAreNotHeldUp() {
        assertEquals("1", v.get("slowModel.runs"), r::describe);
        assertEquals("100", v.get("slowModel.sameAnswer"));
        assertEquals("100/99/0", v.get("stats.slowModel"));
        assertTrue(Long.parseLong(v.get("otherKey.millis")) < 200,
                "another key during the 300 ms load: " + v.get("otherKey.millis") + " ms");
    }

    @Test
    void failuresAndNullAreNotCached() {
        assertEquals("threw first call fails", v.get("flaky.first"), r::describe);
        assertEquals("ok x", v.get("flaky.second"), "the next caller runs the body again");
        assertEquals("2", v.get("flaky.runs"), "and its success is cached");
        assertEquals("2", v.get("nothing.runs"), "null is not cached");
        assertTrue(r.stderr().lines().noneMatch(l -> l.contains("Exception thrown during asynchronous load")),
                "a failed load is the application's business: nothing is logged for it\n" + r.stderr());
    }

    @Test
    void arraysAreKeysByContent() {
        assertEquals("6", v.get("sum.second"), r::describe);
        assertEquals("7", v.get("sum.other"));
        assertEquals("2", v.get("sum.runs"));
    }

    @Test
    void entriesExpireAfterTheirTtlAndAreRemovedWithoutACaller() {
        assertEquals("1", v.get("shortLived.runsBefore"), r::describe);
        assertEquals("0", v.get("shortLived.sizeAfterExpiry"));
        assertEquals("2", v.get("shortLived.runsAfter"));
    }

    @Test
    void refreshAheadServesTheOldValueAtOnceAndTheNewOneAfterwards() {
        assertEquals("q v1", v.get("refreshing.first"), r::describe);
        assertEquals("q v1", v.get("refreshing.stale"));
        assertTrue(Long.parseLong(v.get("refreshing.staleMillis")) < 100, "at once: " + v.get("refreshing.staleMillis"));
        assertEquals("q v2", v.get("refreshing.fresh"));
    }

    @Test
    void anAsynchronousMethodCachesItsFutureAndEachCallerGetsItsOwnStage() {
        assertEquals("fetched a|fetched a", v.get("fetch.values"), r::describe);
        assertEquals("true", v.get("fetch.distinctStages"));
        assertEquals("fetched a", v.get("fetch.third"), "one caller cancelling its stage does not touch the cache");
        assertEquals("1", v.get("fetch.runs"));
    }

    @Test
    void anAsynchronousCallPastItsHardLimitFailsItsWaitingCallersOffTheWatchdogThread() {
        String[] follower = v.get("stuck.follower").split("\\|");
        assertEquals("ToolTimeoutException", follower[1], r::describe);
        // Dependent stages are the application's code: a slow one on the watchdog would stop every limit.
        assertFalse(follower[0].startsWith("toolwarden-watchdog"), follower[0]);
        assertEquals("ToolTimeoutException", v.get("stuck.computing"));
        assertEquals("1", v.get("stuck.runs"), "the waiting caller did not run the body");
    }

    @Test
    void invalidationRemovesOneKeyOrEverything() {
        assertEquals("true", v.get("invalidate.lookup"), r::describe);
        assertEquals("3", v.get("lookup.runsAfterInvalidate"), "(weather, another key, weather again)");
        assertTrue(v.get("invalidate.wrongArity").startsWith("answer (com.example.apps.CachedTools#answer"),
                v.get("invalidate.wrongArity"));
        assertEquals("3", v.get("answer.runsAfterInvalidateAll"));
        assertEquals("0", v.get("inFlightAfterwards"));
    }

    @Test
    void aCategoryKeepsItsSizeBound() {
        ChildResult bounded = ChildJvm.app(CachedTools.class).agentArguments("cache.max-size=5").args("bounded").run();
        Map<String, String> b = bounded.values();
        assertTrue(Long.parseLong(b.get("bounded.size")) <= 5, bounded::describe);
        assertTrue(Long.parseLong(b.get("bounded.evictions")) >= 15, b.get("bounded.evictions"));
    }
}
