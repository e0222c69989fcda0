package com.example.apps;

import dev.toolwarden.Alert;
import dev.toolwarden.ResourceExhaustedException;
import dev.toolwarden.ResourceUsage;
import dev.toolwarden.Toolwarden;
import dev.toolwarden.annotation.Cached;
import dev.toolwarden.annotation.Chat;
import dev.toolwarden.annotation.ConversationId;
import dev.toolwarden.annotation.Fallback;
import dev.toolwarden.annotation.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tools under the resource monitor: a heap that fills past the memory limits and empties again, and
 * a conversation that grows past its memory limits. Run with low limits (see MonitorIT).
 */
public class MonitoredTools {

    static final List<byte[]> HELD = new ArrayList<>();
    static final List<String> ALERTS = new CopyOnWriteArrayList<>();

    @Tool(name = "search")
    public String search(String q) {
        return "results for " + q;
    }

    @Tool(name = "cachedSearch")
    @Cached
    public String cachedSearch(String q) {
        return "cached results for " + q;
    }

    @Tool(name = "searchWithFallback")
    @Fallback("offline")
    public String searchWithFallback(String q) {
        return "results for " + q;
    }

    String offline(String q, RuntimeException why) {
        return "offline answer (" + ((ResourceExhaustedException) why).resource() + ")";
    }

    @Chat(name = "chat")
    public String chat(@ConversationId String conversation, String message) {
        return "reply to " + message;
    }

    static String attempt(Call call) {
        try {
            return "ok " + call.run();
        } catch (ResourceExhaustedException e) {
            return "rejected " + e.resource();
        }
    }

    interface Call {
        Object run();
    }

    static void waitFor(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        Out.result("waited." + what, condition.getAsBoolean());
    }

    static void heap() throws Exception {
        MonitoredTools t = new MonitoredTools();
        Out.result("before", attempt(() -> t.search("a")));
        Out.result("cachedBefore", attempt(() -> t.cachedSearch("a")));
        // Fill the heap: held memory, then a collection so that the heap held after collection shows it.
        long max = Runtime.getRuntime().maxMemory();
        // Chunks under half a G1 region, so that none is a humongous object taking whole regions.
        while (HELD.size() * 200_000L < max * 0.7) {
            HELD.add(new byte[200_000]);
        }
        System.gc();
        waitFor("shedding", () -> attempt(() -> t.search("b")).startsWith("rejected"));
        Out.result("during", attempt(() -> t.search("b")));
        Out.result("cachedDuring", attempt(() -> t.cachedSearch("a")));
        Out.result("fallbackDuring", attempt(() -> t.searchWithFallback("b")));
        Out.result("chatDuring", attempt(() -> t.chat("c1", "hello")));
        ResourceUsage u = Toolwarden.resources().orElseThrow();
        Out.result("heapPercentDuring", u.heapPercent() > 60);
        Out.result("activeDuring", Toolwarden.activeAlerts().stream().filter(a -> a.resource().equals("MEMORY"))
                .map(a -> a.resource() + "/" + a.level()).sorted().toList());
        Out.result("shedCalls", Toolwarden.shedCalls() >= 1);
        HELD.clear();
        System.gc();
        waitFor("recovery", () -> attempt(() -> t.search("c")).startsWith("ok"));
        Out.result("after", attempt(() -> t.search("c")));
        // Listeners are called on Toolwarden's alert thread: wait for the last one to arrive.
        waitFor("memoryAlertsDelivered", () -> ALERTS.stream().filter(a -> a.startsWith("MEMORY")).count() >= 4);
        Out.result("alerts", String.join(",", ALERTS.stream().filter(a -> a.startsWith("MEMORY")).toList()));
    }

    static void conversation() throws Exception {
        MonitoredTools t = new MonitoredTools();
        String message = "x".repeat(1000);
        List<String> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(attempt(() -> t.chat("big", message)).replace("reply to " + message, "reply"));
        }
        Out.result("growing", results);
        Out.result("otherConversation", attempt(() -> t.chat("small", "hi")));
        Out.result("bigMemory", Toolwarden.conversation("big").orElseThrow().memoryBytes() > 4096);
        Toolwarden.recordConversationMemory("big", 100);
        Out.result("afterShrink", attempt(() -> t.chat("big", "short")));
        waitFor("conversationAlertsDelivered", () -> ALERTS.stream().filter(a -> a.startsWith("CONVERSATION")).count() >= 4);
        Out.result("alerts", String.join(",", ALERTS.stream().filter(a -> a.startsWith("CONVERSATION")).toList()));
        // Idle conversations go (toolwarden.conversation.idle is short here).
        waitFor("idleDropped", () -> Toolwarden.conversation("small").isEmpty());
    }

    /** With toolwarden.startup.grace=2s: the JDK's figures and no beans first, OSHI's (where it runs) and the beans after. */
    static void grace() throws Exception {
        waitFor("firstSample", () -> Toolwarden.resources().isPresent());
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName ours = new javax.management.ObjectName("dev.toolwarden:*");
        Out.result("sourceDuringGrace", Toolwarden.resources().orElseThrow().source());
        Out.result("beansDuringGrace", server.queryNames(ours, null).size());
        long uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        Thread.sleep(Math.max(0, 3500 - uptime));
        waitFor("beans", () -> !server.queryNames(ours, null).isEmpty());
        Out.result("sourceAfterGrace", Toolwarden.resources().orElseThrow().source());
        Out.result("javaFeature", Runtime.version().feature());
    }

    public static void main(String[] args) throws Exception {
        Toolwarden.addAlertListener((Alert a) -> ALERTS.add(a.resource() + "/" + a.level() + (a.cleared() ? "/cleared" : "")));
        if (args[0].equals("heap")) {
            heap();
        } else if (args[0].equals("conversation")) {
            conversation();
        } else if (args[0].equals("grace")) {
            grace();
        } else {
            Thread.sleep(1500);
            ResourceUsage u = Toolwarden.resources().orElseThrow();
            Out.result("source", u.source());
            Out.result("javaFeature", Runtime.version().feature());
            Out.result("memoryTotal", u.systemMemoryTotal());
            Out.result("memoryUsedPlausible", u.systemMemoryUsed() > 0 && u.systemMemoryUsed() <= u.systemMemoryTotal());
            Out.result("cpuPlausible", u.systemCpu() >= 0 && u.systemCpu() <= 100);
            Out.result("heapMax", u.heapMax() == Runtime.getRuntime().maxMemory());
        }
    }
}
