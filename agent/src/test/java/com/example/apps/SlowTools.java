package com.example.apps;

import dev.toolwarden.Alert;
import dev.toolwarden.Toolwarden;
import dev.toolwarden.annotation.Chat;
import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Tools that pass their soft limits, and one that does not. */
public class SlowTools {

    @Tool(name = "slow-search")
    @Timeout(soft = "200ms", hard = "0")
    public String slowSearch(String q) throws InterruptedException {
        waitForTheIndex(700);
        return "found " + q;
    }

    private void waitForTheIndex(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    @Tool(name = "quick-search")
    @Timeout(soft = "200ms", hard = "0")
    public String quickSearch(String q) {
        return "found " + q;
    }

    @Chat(name = "patient-chat")
    @Timeout(soft = "5s", hard = "0")
    public String chat(String q) throws InterruptedException {
        return slowSearch(q) + " " + quickSearch(q);
    }

    public static void main(String[] args) throws Exception {
        List<Alert> alerts = new CopyOnWriteArrayList<>();
        try (AutoCloseable registration = Toolwarden.addAlertListener(alerts::add)) {
            Out.result("answer", new SlowTools().chat("agents"));
            // Listeners are called on Toolwarden's alert thread: give the alert a moment to arrive.
            long until = System.nanoTime() + 5_000_000_000L;
            while (alerts.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(10);
            }
        }
        Out.result("alerts", alerts.size());
        for (Alert a : alerts) {
            Out.result("alert", a.resource() + "/" + a.level() + "/" + a.subject() + "/" + (a.value() >= a.threshold())
                    + "/" + a.threshold());
        }
    }
}
