package dev.toolwarden;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.events.ExecutionEvent;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LiveEventsTest {

    @Test
    void aListenerThatThrowsKeepsReceivingLaterEvents() throws InterruptedException {
        AtomicInteger seen = new AtomicInteger();
        CountDownLatch afterTheFailure = new CountDownLatch(1);
        try (LiveEvents.Subscription s = LiveEvents.subscribe(e -> {
            if (seen.incrementAndGet() == 1) {
                throw new AssertionError("the listener's own failure");
            }
            afterTheFailure.countDown();
        }, LiveEvents.EXECUTION)) {
            // Events keep coming until one after the failure arrives (the stream needs a moment to start).
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (afterTheFailure.getCount() > 0 && System.nanoTime() < until) {
                ExecutionEvent e = new ExecutionEvent();
                e.name = "live-test";
                e.commit();
                afterTheFailure.await(100, TimeUnit.MILLISECONDS);
            }
        }
        assertTrue(afterTheFailure.getCount() == 0, "events after the failure arrived: " + seen.get());
    }
}
