package dev.toolwarden.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.github.benmanes.caffeine.cache.Scheduler;
import dev.toolwarden.bootstrap.Completion;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MethodKeyTest {

    private static MethodKey key(int method, Object... arguments) {
        return MethodKey.of(method, arguments, null);
    }

    private static void assertSameKey(MethodKey a, MethodKey b) {
        assertEquals(a, b);
        assertEquals(b, a);
        assertEquals(a.hashCode(), b.hashCode(), "equal keys with different hash codes");
    }

    @Test
    void equalValuesGiveEqualKeys() {
        assertSameKey(key(1, "a", 2, 3L), key(1, "a", 2, 3L));
        assertSameKey(key(1, "a"), key(1, new String("a")));
        assertNotEquals(key(1, "a", 2), key(1, "a", 3));
        assertNotEquals(key(1, "a"), key(1, "b"));
        MethodKey k = key(1, "a");
        assertEquals(k, k);
        assertNotEquals(k, null);
        assertNotEquals(k, "a");
    }

    @Test
    void primitiveArraysCompareByContent() {
        assertSameKey(key(1, (Object) new int[] {1, 2}), key(1, (Object) new int[] {1, 2}));
        assertNotEquals(key(1, (Object) new int[] {1, 2}), key(1, (Object) new int[] {1, 3}));
        assertNotEquals(key(1, (Object) new int[] {1, 2}), key(1, (Object) new long[] {1, 2}));
        assertSameKey(key(1, new int[] {1}, "x"), key(1, new int[] {1}, "x"));
        assertNotEquals(key(1, new int[] {1}, "x"), key(1, new int[] {2}, "x"));
        assertSameKey(key(1, (Object) new byte[] {7}), key(1, (Object) new byte[] {7}));
    }

    @Test
    void objectArraysCompareByContentNestedOnesToo() {
        assertSameKey(key(1, (Object) new String[] {"a", "b"}), key(1, (Object) new String[] {"a", "b"}));
        assertNotEquals(key(1, (Object) new String[] {"a", "b"}), key(1, (Object) new String[] {"b", "a"}));
        Object nested1 = new Object[] {"a", new int[] {1, 2}, new Object[] {new String[] {"deep"}}};
        Object nested2 = new Object[] {"a", new int[] {1, 2}, new Object[] {new String[] {"deep"}}};
        Object nested3 = new Object[] {"a", new int[] {1, 2}, new Object[] {new String[] {"DEEP"}}};
        assertSameKey(key(1, nested1), key(1, nested2));
        assertNotEquals(key(1, nested1), key(1, nested3));
        assertSameKey(key(1, nested1, 5), key(1, nested2, 5));
        assertNotEquals(key(1, nested1, 5), key(1, nested3, 5));
    }

    @Test
    void differentMethodsNeverShareAKey() {
        for (Object[] args : List.of(new Object[0], new Object[] {"a"}, new Object[] {"a", 1},
                new Object[] {new int[] {1}})) {
            assertNotEquals(MethodKey.of(1, args, null), MethodKey.of(2, args, null));
        }
        assertEquals(7, key(7, "a").method());
    }

    @Test
    void singleAndMultiValueShapesDoNotMix() {
        assertNotEquals(key(1, "a"), key(1, "a", "b"));
        assertNotEquals(key(1, "a", "b"), key(1, "a"));
        // one array argument is not the same as its elements as arguments
        assertNotEquals(key(1, (Object) new Object[] {"a", "b"}), key(1, "a", "b"));
        assertNotEquals(key(1, "a", "b"), key(1, (Object) new Object[] {"a", "b"}));
        assertSameKey(key(1), key(1));
        assertNotEquals(key(1), key(1, "a"));
    }

    @Test
    void nullArgumentsAreValues() {
        assertSameKey(key(1, null, "a"), key(1, null, "a"));
        assertNotEquals(key(1, null, "a"), key(1, "a", null));
        assertSameKey(key(1, (Object) null), key(1, (Object) null));
        assertNotEquals(key(1, (Object) null), key(1, "null"));
    }

    @Test
    void parametersSelectWhichArgumentsMakeTheKey() {
        MethodKey a = MethodKey.of(1, new Object[] {"user", "noise-1"}, new int[] {0});
        MethodKey b = MethodKey.of(1, new Object[] {"user", "noise-2"}, new int[] {0});
        assertSameKey(a, b);
        assertSameKey(a, key(1, "user"));
        assertNotEquals(a, MethodKey.of(1, new Object[] {"other", "noise-1"}, new int[] {0}));

        MethodKey c = MethodKey.of(1, new Object[] {"a", "x", "c"}, new int[] {0, 2});
        assertSameKey(c, MethodKey.of(1, new Object[] {"a", "y", "c"}, new int[] {0, 2}));
        assertSameKey(c, key(1, "a", "c"));
        assertNotEquals(c, MethodKey.of(1, new Object[] {"a", "x", "d"}, new int[] {0, 2}));
        // the order of the parameters is the order of the values
        assertNotEquals(MethodKey.of(1, new Object[] {"a", "b"}, new int[] {0, 1}),
                MethodKey.of(1, new Object[] {"a", "b"}, new int[] {1, 0}));
        // no key parameter: one entry per method
        assertSameKey(MethodKey.of(1, new Object[] {"a"}, new int[0]),
                MethodKey.of(1, new Object[] {"b"}, new int[0]));
    }

    @Test
    void hashCodeIsConsistentWithEqualsAndStable() {
        MethodKey k = key(3, "a", new int[] {1, 2}, new Object[] {"n"});
        int h = k.hashCode();
        assertEquals(h, k.hashCode());
        assertEquals(h, key(3, "a", new int[] {1, 2}, new Object[] {"n"}).hashCode());
        assertEquals(key(3, "x").hashCode(), key(3, new String("x")).hashCode());
        assertEquals(key(3, (Object) new int[] {4}).hashCode(), key(3, (Object) new int[] {4}).hashCode());
        assertNotEquals(key(3, "a").hashCode(), key(4, "a").hashCode(), "the method id is not in the hash");
    }

    @Test
    void aMethodWithItsOwnTtlGetsASegmentOfTheCategoryWithThatTtl() {
        AtomicLong nanos = new AtomicLong(TimeUnit.HOURS.toNanos(1));
        PerformanceCache cache = PerformanceCache.builder().ticker(nanos::get).executor(Runnable::run)
                .scheduler(Scheduler.disabledScheduler()).build();
        CategoryCache category = cache.categoryOrDefault(PerformanceCache.TOOL_PERFORMANCE);
        long fiveSeconds = TimeUnit.SECONDS.toNanos(5);
        assertSame(category.primary(), category.segment(category.ttlNanos()));
        CategoryCache.Segment own = category.segment(fiveSeconds);
        assertSame(own, category.segment(fiveSeconds));
        assertNotSame(category.primary(), own);
        assertSame(category, own.category());

        MethodKey k = MethodKey.of(1, new Object[] {"q"}, null);
        own.put(k, Completion.cached("value", null));
        cache.put(PerformanceCache.TOOL_PERFORMANCE, "plain key", "plain");
        cache.cleanUp();
        assertEquals(2, cache.statistics(PerformanceCache.TOOL_PERFORMANCE).size(), "size counts every segment");

        nanos.addAndGet(Duration.ofMillis(4_999).toNanos());
        CompletableFuture<Completion> hit = own.lookup(MethodKey.of(1, new Object[] {"q"}, null));
        assertEquals("value", hit.join().value);
        nanos.addAndGet(Duration.ofMillis(2).toNanos());
        assertNull(own.lookup(k), "the method's own TTL was ignored");
        assertSame("plain", cache.getIfPresent(PerformanceCache.TOOL_PERFORMANCE, "plain key"),
                "the category's other entries keep its TTL");

        own.put(k, Completion.cached("again", null));
        cache.invalidateCategory(PerformanceCache.TOOL_PERFORMANCE);
        assertNull(own.lookup(k), "invalidateCategory missed a segment");
        own.put(k, Completion.cached("again", null));
        cache.invalidateAll();
        assertNull(own.lookup(k), "invalidateAll missed a segment");
    }
}
