package dev.toolwarden.examples.chat;

import dev.toolwarden.LiveEvents;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.consumer.RecordedEvent;

/**
 * Prints timeouts and failed calls while the demo runs, through the SDK's
 * {@link LiveEvents}. Events arrive in batches about once a second, on JFR's streaming thread.
 */
final class LiveAlerts implements AutoCloseable {

    private final LiveEvents.Subscription subscription;
    private final AtomicLong failures = new AtomicLong();
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> shown =
            new java.util.concurrent.ConcurrentHashMap<>();

    private LiveAlerts() {
        this.subscription = LiveEvents.subscribe(this::print, LiveEvents.TIMEOUT, LiveEvents.EXECUTION);
    }

    static LiveAlerts start() {
        return new LiveAlerts();
    }

    private void print(RecordedEvent e) {
        switch (e.getEventType().getName()) {
            case LiveEvents.TIMEOUT -> {
                // The first few of each tool and level; the summary counts them all.
                String key = e.getString("name") + " " + e.getString("level");
                int n = shown.computeIfAbsent(key, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                if (n <= 2) {
                    System.out.println("  [live] " + e.getString("name") + " passed its " + e.getString("level")
                            + " limit" + (n == 2 ? " (again; further ones are counted in the summary)" : ""));
                }
            }
            default -> {
                if ("ERROR".equals(e.getString("outcome")) || "TIMEOUT".equals(e.getString("outcome"))) {
                    failures.incrementAndGet();
                    String key = e.getString("name") + " " + e.getString("outcome");
                    int n = shown.computeIfAbsent(key, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                    if (n <= 2) {
                        System.out.println("  [live] " + e.getString("name") + " failed (" + e.getString("outcome") + ": "
                                + e.getString("error") + ") in conversation " + e.getString("conversationId")
                                + (n == 2 ? " (again; further ones are counted)" : ""));
                    }
                }
            }
        }
    }

    /** @return failed calls (errors, and timeouts no fallback answered) the stream delivered */
    long failures() {
        return failures.get();
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
