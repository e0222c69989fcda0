package dev.toolwarden.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {

    private final AtomicLong nanos = new AtomicLong(TimeUnit.HOURS.toNanos(2));
    private final PerformanceCache cache = PerformanceCache.builder().ticker(nanos::get).executor(Runnable::run)
            .scheduler(Scheduler.disabledScheduler()).build();
    private final ResponseCache<String> responses = new ResponseCache<>(cache);

    @Test
    void theSameQueryInTheSameContextIsAnsweredOnce() {
        String ctx = ResponseCache.contextHash("conversation 1", "user 7");
        AtomicInteger calls = new AtomicInteger();
        Supplier<String> answer = () -> "answer " + calls.incrementAndGet();
        assertEquals("answer 1", responses.get("what time is it", ctx, answer));
        assertEquals("answer 1", responses.get("what time is it", ResponseCache.contextHash("conversation 1", "user 7"),
                answer));
        assertEquals("answer 1", responses.get("what time is it", ctx));
        assertEquals(1, calls.get());
        cache.cleanUp();
        assertEquals(1, cache.statistics(PerformanceCache.RESPONSE_CACHE).size(), "answers go to response_cache");
    }

    @Test
    void anotherContextOrQueryIsAMiss() {
        String ctx1 = ResponseCache.contextHash("conversation 1");
        String ctx2 = ResponseCache.contextHash("conversation 2");
        AtomicInteger calls = new AtomicInteger();
        Supplier<String> answer = () -> "answer " + calls.incrementAndGet();
        assertEquals("answer 1", responses.get("q", ctx1, answer));
        assertNull(responses.get("q", ctx2));
        assertEquals("answer 2", responses.get("q", ctx2, answer));
        assertEquals("answer 3", responses.get("other q", ctx1, answer));
        assertEquals("answer 1", responses.get("q", ctx1, answer));
        assertEquals("answer 2", responses.get("q", ctx2, answer));
        assertEquals(3, calls.get());
    }

    @Test
    void contextHashIsAStableHexSha256OfTheParts() {
        String h = ResponseCache.contextHash("ab", "c");
        assertTrue(h.matches("[0-9a-f]{64}"), h);
        assertEquals(h, ResponseCache.contextHash("ab", "c"));
        assertEquals(h, ResponseCache.contextHash(new StringBuilder("ab"), "c"), "parts are hashed by toString");
        assertNotEquals(h, ResponseCache.contextHash("a", "bc"));
        assertNotEquals(h, ResponseCache.contextHash("abc"));
        assertNotEquals(h, ResponseCache.contextHash("c", "ab"));
        assertNotEquals(ResponseCache.contextHash("", "x"), ResponseCache.contextHash("x", ""));
        assertNotEquals(ResponseCache.contextHash("1:a"), ResponseCache.contextHash("a"));
        // SHA-256 of nothing: the same in every JVM
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ResponseCache.contextHash());
        assertTrue(ResponseCache.contextHash("é", 42).matches("[0-9a-f]{64}"));
    }

    @Test
    void putInvalidateAndNullAnswers() {
        String ctx = ResponseCache.contextHash("c");
        responses.put("q", ctx, "put answer");
        assertEquals("put answer", responses.get("q", ctx));
        assertEquals("put answer", responses.get("q", ctx, () -> "loaded"));
        responses.invalidate("q", ctx);
        assertNull(responses.get("q", ctx));
        responses.put("q", ctx, "again");
        responses.put("q", ctx, null);
        assertNull(responses.get("q", ctx));
        assertThrows(NullPointerException.class, () -> responses.get(null, ctx));
        assertThrows(NullPointerException.class, () -> responses.get("q", null));
    }

    @Test
    void answersExpireWithTheResponseCacheTtl() {
        String ctx = ResponseCache.contextHash("c");
        responses.put("q", ctx, "a");
        nanos.addAndGet(Duration.ofMinutes(10).minusMillis(1).toNanos());
        assertEquals("a", responses.get("q", ctx));
        nanos.addAndGet(Duration.ofMillis(2).toNanos());
        assertNull(responses.get("q", ctx));
    }

    @Test
    void anotherCategoryCanHoldTheAnswersButItMustExist() {
        ResponseCache<String> context = new ResponseCache<>(cache, PerformanceCache.CONTEXT_CACHE);
        String ctx = ResponseCache.contextHash("c");
        context.put("q", ctx, "in context_cache");
        assertNull(responses.get("q", ctx), "the two caches share an entry");
        assertEquals("in context_cache", context.get("q", ctx));
        cache.cleanUp();
        assertEquals(1, cache.statistics(PerformanceCache.CONTEXT_CACHE).size());
        assertEquals(0, cache.statistics(PerformanceCache.RESPONSE_CACHE).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ResponseCache<String>(cache, "answers"));
        assertTrue(e.getMessage().contains("answers"), e.getMessage());
    }
}
