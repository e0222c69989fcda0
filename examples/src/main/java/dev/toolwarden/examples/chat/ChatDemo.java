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
        "caching answers safely", "What is 2 + 2?"
    };

    private ChatDemo() {
    }

    /**
     * @param args optionally the number of rounds (default 10; each round is six messages)
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        ChatManager chat = new ChatManager(new ToolOrchestrator(new Tools()));
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
    }

    private static void printSummary(ChatManager chat) {
        if (!Toolwarden.agentAttached()) {
            System.out.println("The Toolwarden agent is not attached: nothing was measured. See README.md.");
            return;
        }
        List<ToolStatistics> stats = Toolwarden.statistics();
        System.out.println();
        System.out.println("Toolwarden summary");
        System.out.printf(Locale.ROOT, "%-12s %-5s %6s %6s %10s %10s %10s %10s %12s%n", "name", "kind", "calls",
                "errors", "p50", "p95", "max", "cpu/call", "alloc/call");
        for (ToolStatistics s : stats) {
            System.out.printf(Locale.ROOT, "%-12s %-5s %6d %6d %10s %10s %10s %10s %12s%n", s.name(), s.kind(),
                    s.calls(), s.errors(), millis(s.p50()), millis(s.p95()), millis(s.maxTime()),
                    s.meanCpuTime().map(ChatDemo::millis).orElse("n/a"),
                    s.meanAllocatedBytes() < 0 ? "n/a" : bytes(s.meanAllocatedBytes()));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-16s %6s %10s %10s %12s%n", "conversation", "calls", "wall", "cpu", "allocated");
        for (String id : chat.historySizes().keySet()) {
            ConversationStatistics c = Toolwarden.conversation(id).orElse(null);
            if (c != null) {
                System.out.printf(Locale.ROOT, "%-16s %6d %10s %10s %12s%n", id, c.calls(), millis(c.wallTime()),
                        millis(c.cpuTime()), bytes(c.allocatedBytes()));
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
