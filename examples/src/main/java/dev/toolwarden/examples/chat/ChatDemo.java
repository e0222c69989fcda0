package dev.toolwarden.examples.chat;

import dev.toolwarden.CacheStatistics;
import dev.toolwarden.ConversationStatistics;
import dev.toolwarden.IsolationStatistics;
import dev.toolwarden.PoolStatistics;
import dev.toolwarden.ToolStatistics;
import dev.toolwarden.Toolwarden;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a scripted session of several users and conversations through the chat manager, then
 * prints what Toolwarden measured. Run it with the agent (see README.md); without the agent it
 * runs all the same and says that nothing was measured.
 *
 * <p>The session: {@code rounds} rounds in which three users send two messages each in one of
 * their two conversations (calculations, weather, searches, research, pages to open, documents to
 * summarise, orders to look up), then the evening rush: eight customers ask about their orders at
 * once, more than the shop's four database connections serve, so that the pool's alert is raised
 * and, once the rush is over, cleared.
 */
public final class ChatDemo {

    private static final String[] USERS = {"ada", "grace", "linus"};
    private static final String[] MESSAGES = {
        "What is 12 * 7?", "Weather in Oslo?", "java agents and bytecode", "What is 144 / 12?",
        "Weather in Lisbon?", "Open https://example.com/docs", "tool calling in chat models", "What is 1 / 0?",
        "Weather in Nairobi?", "Summarize the quarterly report", "caching answers safely", "Where is order 1042?",
        "What is 2 + 2?", "research java agents", "Open https://slow.example.com/report", "Deep research on new model releases"
    };
    private static final int RUSH_CUSTOMERS = 8;
    private static final int RUSH_QUESTIONS = 6;

    private ChatDemo() {
    }

    /**
     * @param args optionally the number of rounds (default 40; each round is six messages, and the
     *     rush adds 48)
     * @throws Exception if the rush's threads fail
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        try (OrderDatabase orders = new OrderDatabase(); AlertLog alerts = AlertLog.start();
                LiveAlerts live = LiveAlerts.start()) {
            ChatManager chat = new ChatManager(new ToolOrchestrator(new Tools(orders)));
            String rankingBefore = Toolwarden.agentAttached() ? ranking() : "";
            int messages = 0;
            for (int round = 0; round < rounds; round++) {
                for (int u = 0; u < USERS.length; u++) {
                    String user = USERS[u];
                    // Each user has two conversations.
                    String conversation = user + "-" + (round % 2 == 0 ? "morning" : "evening");
                    for (int m = 0; m < 2; m++) {
                        String message = MESSAGES[(round * 2 + u + m) % MESSAGES.length];
                        String answer = chat.handle(user, conversation, message);
                        messages++;
                        if (round < 2) {
                            System.out.println(user + "> " + message);
                            System.out.println("  assistant> " + answer);
                        }
                    }
                }
            }
            System.out.println();
            System.out.println("The evening rush: " + RUSH_CUSTOMERS + " customers ask about their orders at once"
                    + " (the shop's database pool has 4 connections)...");
            messages += rush(chat);
            alerts.awaitAllCleared(10);
            live.awaitFailures(Toolwarden.statistics().stream().mapToLong(s -> s.errors() + s.timeouts() - s.fallbacks()).sum());
            System.out.println("  [live] " + live.failures() + " failed calls in all were reported live");
            System.out.println();
            System.out.println("Handled " + messages + " messages in " + chat.historySizes().size() + " conversations.");
            printSummary(chat, alerts);
            if (Toolwarden.agentAttached()) {
                System.out.println();
                System.out.println("Research tools ranked by their record: before " + rankingBefore + ", after " + ranking());
            }
        }
    }

    /** Customers asking about their orders on threads of their own, all at once. */
    private static int rush(ChatManager chat) throws Exception {
        ExecutorService customers = Executors.newFixedThreadPool(RUSH_CUSTOMERS);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < RUSH_CUSTOMERS; c++) {
                int customer = c;
                done.add(customers.submit(() -> {
                    for (int q = 0; q < RUSH_QUESTIONS; q++) {
                        chat.handle("customer" + customer, "rush-" + customer, "Where is order " + (1000 + customer * 7 + q) + "?");
                    }
                    return RUSH_QUESTIONS;
                }));
            }
            int n = 0;
            for (Future<Integer> f : done) {
                n += f.get();
            }
            return n;
        } finally {
            customers.shutdown();
        }
    }

    /** The research tools as Toolwarden ranks them now, best first. */
    private static String ranking() {
        return Toolwarden.rankTools(List.of("deep_research", "web_search")).stream()
                .map(r -> r.name() + String.format(Locale.ROOT, " (%.2f)", r.score())).toList().toString();
    }

    private static void printSummary(ChatManager chat, AlertLog alerts) {
        if (!Toolwarden.agentAttached()) {
            System.out.println("The Toolwarden agent is not attached: nothing was measured. See README.md.");
            return;
        }
        System.out.println();
        System.out.println("Toolwarden summary");
        System.out.printf(Locale.ROOT, "%-13s %-5s %6s %6s %5s %5s %9s %5s %9s %9s %9s %9s %10s%n", "name", "kind",
                "calls", "errors", "soft", "hard", "fallbacks", "hits", "p50", "p95", "max", "cpu/call", "alloc/call");
        for (ToolStatistics s : Toolwarden.statistics()) {
            System.out.printf(Locale.ROOT, "%-13s %-5s %6d %6d %5d %5d %9d %5s %9s %9s %9s %9s %10s%n", s.name(),
                    s.kind(), s.calls(), s.errors(), alerts.limitsPassed("SOFT", s.name()), s.timeouts(), s.fallbacks(),
                    s.calls() == 0 ? "-" : Math.round(100.0 * s.cacheHits() / s.calls()) + "%", millis(s.p50()),
                    millis(s.p95()), millis(s.maxTime()), s.meanCpuTime().map(ChatDemo::millis).orElse("n/a"),
                    s.meanAllocatedBytes() < 0 ? "n/a" : bytes(s.meanAllocatedBytes()));
        }
        System.out.println("(soft: calls past their soft limit; hard: past their hard limit; hits: answered from the cache)");
        System.out.println();
        for (CacheStatistics c : Toolwarden.cacheStatistics()) {
            if (c.hits() + c.misses() > 0) {
                System.out.printf(Locale.ROOT, "cache %-20s %4d hits, %4d misses, hit rate %.0f%%, %d entries%n",
                        c.category(), c.hits(), c.misses(), 100 * c.hitRate(), c.size());
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-16s %6s %10s %10s %12s %12s%n", "conversation", "calls", "wall", "cpu",
                "allocated", "memory");
        for (String id : chat.historySizes().keySet()) {
            ConversationStatistics c = Toolwarden.conversation(id).orElse(null);
            if (c != null && !id.startsWith("rush-")) {
                System.out.printf(Locale.ROOT, "%-16s %6d %10s %10s %12s %12s%n", id, c.calls(), millis(c.wallTime()),
                        millis(c.cpuTime()), bytes(c.allocatedBytes()), bytes(c.memoryBytes()));
            }
        }
        System.out.println("(and " + chat.historySizes().keySet().stream().filter(id -> id.startsWith("rush-")).count()
                + " conversations of the rush)");
        System.out.println();
        for (PoolStatistics p : Toolwarden.pools()) {
            System.out.printf(Locale.ROOT, "pool %-20s %d active, %d idle, %d total of %d, %d waiting%n", p.pool(),
                    p.active(), p.idle(), p.total(), p.max(), p.waiting());
        }
        IsolationStatistics iso = Toolwarden.isolation();
        System.out.printf(Locale.ROOT, "isolation workers: %d abandoned bodies in all (%d still running)%n",
                iso.abandonedTotal(), iso.abandoned());
        System.out.println();
        Map<String, Integer> raised = alerts.resourceAlerts();
        System.out.println("alerts: " + (raised.isEmpty() ? "none" : raised.toString().replaceAll("[{}]", "")));
    }

    private static String bytes(long b) {
        return b < 1024 ? b + " B" : b < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KB", b / 1024.0)
                : String.format(Locale.ROOT, "%.1f MB", b / (1024.0 * 1024));
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.2fms", d.toNanos() / 1e6);
    }
}
