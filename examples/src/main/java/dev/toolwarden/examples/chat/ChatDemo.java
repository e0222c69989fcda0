package dev.toolwarden.examples.chat;

import dev.toolwarden.ConversationStatistics;
import dev.toolwarden.ToolStatistics;
import dev.toolwarden.Toolwarden;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Runs a scripted session of several users and conversations through the chat manager, then
 * prints what Toolwarden measured. Run it with the agent (see README.md); without the agent it
 * runs all the same and says that nothing was measured.
 */
public final class ChatDemo {

    private static final String[] USERS = {"ada", "grace", "linus"};
    private static final String[] MESSAGES = {
        "What is 12 * 7?", "Weather in Oslo?", "java agents and bytecode", "What is 144 / 12?",
        "Weather in Lisbon?", "tool calling in chat models", "What is 1 / 0?", "Weather in Nairobi?",
        "caching answers safely", "What is 2 + 2?", "research java agents", "research new model releases"
    };

    private ChatDemo() {
    }

    /**
     * @param args optionally the number of rounds (default 10; each round is six messages)
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        ToolOrchestrator orchestrator = new ToolOrchestrator(new Tools());
        ChatManager chat = new ChatManager(orchestrator);
        String researchBefore = Toolwarden.agentAttached() ? ranking() : "";
        LiveAlerts live = LiveAlerts.start();
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
                    if (round == 0) {
                        System.out.println(user + "> " + message);
                        System.out.println("  assistant> " + answer);
                    }
                }
            }
        }
        live.awaitFailures(Toolwarden.statistics().stream().mapToLong(ToolStatistics::errors).sum());
        live.close();
        System.out.println();
        System.out.println("Handled " + messages + " messages in " + chat.historySizes().size() + " conversations.");
        printSummary(chat);
        if (Toolwarden.agentAttached()) {
            System.out.println();
            System.out.println("Research tools ranked by their record: before " + researchBefore + ", after " + ranking());
        }
    }

    /** The research tools as Toolwarden ranks them now, best first. */
    private static String ranking() {
        return Toolwarden.rankTools(List.of("deep_research", "web_search")).stream()
                .map(r -> r.name() + String.format(Locale.ROOT, " (%.2f)", r.score())).toList().toString();
    }

    private static void printSummary(ChatManager chat) {
        if (!Toolwarden.agentAttached()) {
            System.out.println("The Toolwarden agent is not attached: nothing was measured. See README.md.");
            return;
        }
        List<ToolStatistics> stats = Toolwarden.statistics();
        System.out.println();
        System.out.println("Toolwarden summary");
        System.out.printf(Locale.ROOT, "%-13s %-5s %6s %6s %8s %9s %6s %10s %10s %10s %10s %12s%n", "name", "kind",
                "calls", "errors", "timeouts", "fallbacks", "hits", "p50", "p95", "max", "cpu/call", "alloc/call");
        for (ToolStatistics s : stats) {
            System.out.printf(Locale.ROOT, "%-13s %-5s %6d %6d %8d %9d %6d %10s %10s %10s %10s %12s%n", s.name(),
                    s.kind(), s.calls(), s.errors(), s.timeouts(), s.fallbacks(), s.cacheHits(), millis(s.p50()),
                    millis(s.p95()), millis(s.maxTime()), s.meanCpuTime().map(ChatDemo::millis).orElse("n/a"),
                    s.meanAllocatedBytes() < 0 ? "n/a" : bytes(s.meanAllocatedBytes()));
        }
        System.out.println();
        for (dev.toolwarden.CacheStatistics c : Toolwarden.cacheStatistics()) {
            System.out.printf(Locale.ROOT, "cache %-20s %4d hits, %4d misses, hit rate %.0f%%, %d entries%n",
                    c.category(), c.hits(), c.misses(), 100 * c.hitRate(), c.size());
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-16s %6s %10s %10s %12s %12s%n", "conversation", "calls", "wall", "cpu",
                "allocated", "memory");
        for (String id : chat.historySizes().keySet()) {
            ConversationStatistics c = Toolwarden.conversation(id).orElse(null);
            if (c != null) {
                System.out.printf(Locale.ROOT, "%-16s %6d %10s %10s %12s %12s%n", id, c.calls(), millis(c.wallTime()),
                        millis(c.cpuTime()), bytes(c.allocatedBytes()), bytes(c.memoryBytes()));
            }
        }
    }

    private static String bytes(long b) {
        return b < 1024 ? b + " B" : String.format(Locale.ROOT, "%.1f KB", b / 1024.0);
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.2fms", d.toNanos() / 1e6);
    }
}
