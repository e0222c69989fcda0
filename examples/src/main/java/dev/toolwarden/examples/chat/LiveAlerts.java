package dev.toolwarden.examples.chat;

import dev.toolwarden.LiveEvents;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.consumer.RecordedEvent;

/**
 * Prints Toolwarden's alerts, timeouts and failed calls while the demo runs, through the SDK's
 * {@link LiveEvents}. Events arrive in batches about once a second, on JFR's streaming thread.
 */
final class LiveAlerts implements AutoCloseable {

    private final LiveEvents.Subscription subscription;
    private final AtomicLong failures = new AtomicLong();

    private LiveAlerts() {
        this.subscription = LiveEvents.subscribe(this::print, LiveEvents.RESOURCE_ALERT, LiveEvents.TIMEOUT,
                LiveEvents.EXECUTION);
    }

    static LiveAlerts start() {
        return new LiveAlerts();
    }

    private void print(RecordedEvent e) {
        switch (e.getEventType().getName()) {
            case LiveEvents.RESOURCE_ALERT -> System.out.println("  [live] alert: " + e.getString("resource") + " "
                    + e.getString("level") + (e.getBoolean("cleared") ? " cleared" : " raised") + " at "
                    + e.getDouble("value") + " (limit " + e.getDouble("threshold") + ")");
            case LiveEvents.TIMEOUT -> System.out.println("  [live] " + e.getString("name") + " passed its "
                    + e.getString("level") + " limit");
            default -> {
                if ("ERROR".equals(e.getString("outcome"))) {
                    System.out.println("  [live] " + e.getString("name") + " failed (" + e.getString("outcome") + ": "
                            + e.getString("error") + ") in conversation " + e.getString("conversationId"));
                    failures.incrementAndGet();
                }
            }
        }
    }

    /** Waits, up to five seconds, for the stream to deliver the failures the statistics counted. */
    void awaitFailures(long expected) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (failures.get() < expected && System.nanoTime() < until) {
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
