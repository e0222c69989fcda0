package dev.toolwarden.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.benmanes.caffeine.cache.Scheduler;
import dev.toolwarden.ExecutionKind;
import dev.toolwarden.ToolStatistics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ToolPerformanceCacheTest {

    private final AtomicLong nanos = new AtomicLong(TimeUnit.HOURS.toNanos(3));
    private final PerformanceCache cache = PerformanceCache.builder().ticker(nanos::get).executor(Runnable::run)
            .scheduler(Scheduler.disabledScheduler()).build();
    private final ToolPerformanceCache tools = new ToolPerformanceCache(cache);

    private static ToolStatistics stats(String name, long calls) {
        Duration ms = Duration.ofMillis(1);
        return new ToolStatistics(name, ExecutionKind.TOOL, calls, 0, 0, 0, 0, 0, ms.multipliedBy(calls), ms, ms, ms,
                ms, Duration.ZERO, 0, 0, 0);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void metricsArePutAndReadByToolName() {
        ToolStatistics calc = stats("calc", 3);
        ToolStatistics search = stats("search", 5);
        tools.put(calc);
        tools.put(search);
        assertSame(calc, tools.metrics("calc"));
        assertSame(search, tools.metrics("search"));
        assertNull(tools.metrics("weather"));
        assertSame(calc, cache.getIfPresent(PerformanceCache.TOOL_PERFORMANCE, "calc"), "not in tool_performance");
        tools.invalidate("calc");
        assertNull(tools.metrics("calc"));
        assertSame(search, tools.metrics("search"));
    }

    @Test
    void readThroughLoadsOncePerTool() {
        AtomicInteger calls = new AtomicInteger();
        List<String> asked = new ArrayList<>();
        java.util.function.Function<String, ToolStatistics> load = name -> {
            calls.incrementAndGet();
            asked.add(name);
            return stats(name, calls.get());
        };
        ToolStatistics first = tools.metrics("calc", load);
        assertEquals("calc", first.name());
        assertSame(first, tools.metrics("calc", load));
        assertSame(first, tools.metrics("calc"));
        assertEquals(1, calls.get());
        tools.metrics("search", load);
        assertEquals(List.of("calc", "search"), asked);
    }

    @Test
    void aMissingToolIsNotCached() {
        AtomicInteger calls = new AtomicInteger();
        assertNull(tools.metrics("ghost", name -> {
            calls.incrementAndGet();
            return null;
        }));
        assertNull(tools.metrics("ghost", name -> {
            calls.incrementAndGet();
            return null;
        }));
        assertEquals(2, calls.get());
    }

    @Test
    void metricsLiveOneHour() {
        tools.put(stats("calc", 1));
        advance(Duration.ofHours(1).minusMillis(1));
        assertEquals("calc", tools.metrics("calc").name());
        advance(Duration.ofMillis(2));
        assertNull(tools.metrics("calc"));
    }

    @Test
    void putRecommendationsStoresAnUnmodifiableCopy() {
        List<String> ranked = new ArrayList<>(List.of("search", "calc"));
        tools.putRecommendations("weather in Paris", ranked);
        ranked.add("weather");
        ranked.set(0, "mutated");
        List<String> cached = tools.recommendations("weather in Paris");
        assertEquals(List.of("search", "calc"), cached);
        assertThrows(UnsupportedOperationException.class, () -> cached.add("x"));
        assertNull(tools.recommendations("another query"));
    }

    @Test
    void recommendationsAreComputedOnceAndCopied() {
        AtomicInteger calls = new AtomicInteger();
        List<String> made = new ArrayList<>(List.of("calc"));
        List<String> first = tools.recommendations("2+2", () -> {
            calls.incrementAndGet();
            return made;
        });
        made.add("search");
        assertEquals(List.of("calc"), first);
        assertEquals(List.of("calc"), tools.recommendations("2+2", () -> {
            calls.incrementAndGet();
            return List.of("other");
        }));
        assertEquals(List.of("calc"), tools.recommendations("2+2"));
        assertEquals(1, calls.get());
        assertThrows(UnsupportedOperationException.class, () -> first.add("x"));
    }

    @Test
    void recommendationsLiveThirtyMinutes() {
        tools.putRecommendations("q", List.of("calc"));
        advance(Duration.ofMinutes(30).minusMillis(1));
        assertEquals(List.of("calc"), tools.recommendations("q"));
        advance(Duration.ofMillis(2));
        assertNull(tools.recommendations("q"));
    }
}
