package dev.toolwarden.examples.chat;

import dev.toolwarden.Alert;
import dev.toolwarden.Toolwarden;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prints a line for every resource alert as Toolwarden raises or clears it (an {@link
 * dev.toolwarden.AlertListener}, called on Toolwarden's alert thread), and counts them all for the
 * summary. Soft and hard limits of tool calls ({@code TOOL_TIME}) are counted per tool; their live
 * lines come from the recording's Timeout events ({@link LiveAlerts}).
 */
final class AlertLog implements AutoCloseable {

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, Boolean> holding = new ConcurrentHashMap<>();
    private final AutoCloseable registration;

    private AlertLog() {
        this.registration = Toolwarden.addAlertListener(this::onAlert);
    }

    static AlertLog start() {
        return new AlertLog();
    }

    private void onAlert(Alert a) {
        String what = a.resource() + " " + a.level() + (a.cleared() ? " cleared" : " raised");
        if (a.resource().equals("TOOL_TIME")) {
            counts.computeIfAbsent("TOOL_TIME " + a.level() + " " + a.subject(), k -> new AtomicInteger()).incrementAndGet();
            return;
        }
        counts.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
        holding.put(a.resource() + " " + a.subject(), !a.cleared());
        System.out.printf(java.util.Locale.ROOT, "  [alert] %s %s for %s at %.0f%s (limit %.0f)%n", a.resource(),
                a.cleared() ? "cleared" : a.level() + " raised", a.subject(), a.value(), unit(a), a.threshold());
    }

    private static String unit(Alert a) {
        return switch (a.resource()) {
            case "MEMORY", "CPU", "DB_CONNECTIONS" -> "%";
            case "CONVERSATION_MEMORY" -> " bytes";
            default -> "";
        };
    }

    /** @return soft (or hard) limits passed by a tool's calls */
    int limitsPassed(String level, String tool) {
        AtomicInteger n = counts.get("TOOL_TIME " + level + " " + tool);
        return n == null ? 0 : n.get();
    }

    /** @return every alert that is not a tool's time limit, by "RESOURCE LEVEL raised|cleared", with its count */
    Map<String, Integer> resourceAlerts() {
        Map<String, Integer> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            if (!k.startsWith("TOOL_TIME")) {
                out.put(k, v.get());
            }
        });
        return out;
    }

    /** Waits, up to {@code seconds}, until no resource alert holds any more. */
    void awaitAllCleared(long seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (holding.containsValue(Boolean.TRUE) && System.nanoTime() < until) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        registration.close();
    }
}
