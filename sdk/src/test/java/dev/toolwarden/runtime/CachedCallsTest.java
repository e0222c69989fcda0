package dev.toolwarden.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.ExecutionKind;
import dev.toolwarden.bootstrap.Completion;
import dev.toolwarden.config.Configuration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The runtime's woven caching, driven as woven code drives it. */
class CachedCallsTest {

    private static int registerCached(ToolwardenRuntime r, String name) {
        CallPolicy p = new CallPolicy(Duration.ZERO, Duration.ofSeconds(30), false, "response_cache", null, 0, null,
                List.of(0));
        return r.register(new MethodDescriptor(name, ExecutionKind.TOOL, "com.x.Cached#" + name + "(String)", p));
    }

    /** Overloads share their default tool name: the values given name the overload whose key has as many parts. */
    @Test
    void invalidatingOneOverloadsKeyFindsItAmongOverloadsOfAnotherArity() {
        ToolwardenRuntime r = new ToolwardenRuntime(Configuration.load(null, Map.of(), Map.of()), false);
        CallPolicy two = new CallPolicy(Duration.ZERO, Duration.ofSeconds(30), false, "response_cache", null, 0, null,
                List.of(0, 1));
        int pair = r.register(new MethodDescriptor("Svc.search", ExecutionKind.TOOL, "com.x.Svc#search(String, int)", two));
        int one = registerCached(r, "Svc.search");
        for (int id : new int[] {pair, one}) {
            Object[] args = id == pair ? new Object[] {"x", 5} : new Object[] {"x"};
            assertNull(r.exitGuarded(r.enterGuarded(id, null, null, args, null), "answer", null, null, null, null));
        }
        assertEquals(1, r.invalidateCache("Svc.search", new Object[] {"x"}), "the one-part key, whatever comes first");
        Object again = r.enterGuarded(one, null, null, new Object[] {"x"}, null);
        assertInstanceOf(ExecutionContext.class, again, "gone: the next call runs the body");
        r.exitGuarded(again, "answer", null, null, null, null);
        assertInstanceOf(Completion.class, r.enterGuarded(pair, null, null, new Object[] {"x", 5}, null),
                "the other overload's entry stays");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> r.invalidateCache("Svc.search", new Object[] {"x", 5, "extra"}), "no overload has three");
    }

    @Test
    void aMissLoadsAHitSkipsTheBodyAndReturnsTheVeryCompletionTheCacheHolds() {
        ToolwardenRuntime r = new ToolwardenRuntime(Configuration.load(null, Map.of(), Map.of()), false);
        int id = registerCached(r, "lookup");
        Object[] args = {"q"};
        Object loader = r.enterGuarded(id, null, null, args, null);
        assertInstanceOf(ExecutionContext.class, loader, "a miss runs the body");
        assertNull(r.exitGuarded(loader, "answer", null, null, null, null), "its result stands");
        Object hit = r.enterGuarded(id, null, null, new Object[] {"q"}, null);
        Completion c = assertInstanceOf(Completion.class, hit, "a hit skips the body");
        assertEquals("answer", c.value);
        assertSame(hit, r.enterGuarded(id, null, null, new Object[] {"q"}, null), "the cache's own completion: no allocation");
        assertSame(hit, r.exitGuarded(hit, null, null, null, null, null));
        assertEquals(3, r.statistics("lookup").orElseThrow().calls());
        assertEquals(2, r.statistics("lookup").orElseThrow().cacheHits());
        assertEquals(0, r.callsInFlight());
    }

    @Test
    void aCallWaitingForAnotherCallsLoadThatTheApplicationInterruptsRunsTheBodyItselfAndLeavesNoFrameBehind()
            throws Exception {
        ToolwardenRuntime r = new ToolwardenRuntime(Configuration.load(null, Map.of(), Map.of()), false);
        int id = registerCached(r, "slow");
        Object loader = r.enterGuarded(id, null, null, new Object[] {"k"}, null);
        assertInstanceOf(ExecutionContext.class, loader);

        AtomicReference<Object> entered = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        AtomicReference<Integer> depthAfter = new AtomicReference<>();
        Thread follower = new Thread(() -> {
            Object context = r.enterGuarded(id, null, null, new Object[] {"k"}, null);
            entered.set(context);
            interruptedAfter.set(Thread.currentThread().isInterrupted());
            r.exitGuarded(context, "own", null, null, null, null); // its body ran here
            depthAfter.set(ToolwardenRuntime.stack().depthForWatchdog());
        });
        follower.start();
        long until = System.nanoTime() + 5_000_000_000L;
        while (follower.getState() != Thread.State.WAITING && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        follower.interrupt();
        follower.join(5000);
        assertInstanceOf(ExecutionContext.class, entered.get(), "the interrupted follower runs the body, accounted");
        assertTrue(interruptedAfter.get(), "and keeps the application's interrupt");
        assertEquals(0, depthAfter.get(), "no frame is left on its stack");

        r.exitGuarded(loader, "loaded", null, null, null, null);
        Completion hit = assertInstanceOf(Completion.class, r.enterGuarded(id, null, null, new Object[] {"k"}, null));
        assertEquals("loaded", hit.value, "the loader's value is what the cache keeps, not the follower's");
    }
}
