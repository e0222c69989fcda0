package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.MonitoredTools;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/** The resource monitor with the agent: alerts, load shedding, conversation memory, OSHI's figures. */
class MonitorIT {

    @Test
    void aHeapPastTheHardMemoryLimitShedsToolCallsButServesHitsFallbacksAndChatsUntilItEmpties() {
        ChildResult r = ChildJvm.app(MonitoredTools.class).jvmOption("-Xmx128m").recording()
                .agentArguments("shedding=true,limits.memory.soft=40,limits.memory.hard=60,monitor.interval=200ms,"
                        // The memory test: a CPU saturated by other work on this 2-core machine must not shed its calls.
                        + "limits.cpu.soft=100,limits.cpu.hard=100")
                .args("heap").run();
        Map<String, String> v = r.values();
        assertEquals("ok results for a", v.get("before"), r::describe);
        assertEquals("true", v.get("waited.shedding"), "shed within the wait");
        assertEquals("rejected MEMORY", v.get("during"));
        assertEquals("ok cached results for a", v.get("cachedDuring"), "a cached answer is still served");
        assertEquals("ok offline answer (MEMORY)", v.get("fallbackDuring"), "a fallback answers a shed call");
        assertEquals("ok reply to hello", v.get("chatDuring"), "chat handlers are not shed unless configured");
        assertEquals("true", v.get("heapPercentDuring"));
        assertEquals("[MEMORY/HARD, MEMORY/SOFT]", v.get("activeDuring"));
        assertEquals("true", v.get("shedCalls"));
        assertEquals("ok results for c", v.get("after"), "calls succeed again once the memory is released");
        assertEquals("MEMORY/SOFT,MEMORY/HARD,MEMORY/HARD/cleared,MEMORY/SOFT/cleared", v.get("alerts"),
                "one alert per crossing and per clearing, no storm");
        assertTrue(r.agentWarnings().stream().anyMatch(l -> l.contains("MEMORY passed its hard limit of 60%")
                && l.contains("tool calls are shed")), r::describe);

        List<RecordedEvent> alerts = r.events("toolwarden.ResourceAlert");
        assertEquals(4, alerts.stream().filter(e -> e.getString("resource").equals("MEMORY")).count(), alerts::toString);
        assertTrue(r.executions("search").stream().anyMatch(e -> e.getString("outcome").equals("REJECTED")),
                "a shed call is recorded as REJECTED");
        assertTrue(r.executions("searchWithFallback").stream().anyMatch(e -> e.getString("outcome").equals("FALLBACK")));
        List<RecordedEvent> samples = r.events("toolwarden.SystemResources");
        assertTrue(samples.size() >= 2, "a sample every 200 ms (the first once OSHI is set up): " + samples.size());
        RecordedEvent s = samples.get(samples.size() - 1);
        assertTrue(s.getLong("memoryTotal") > 0 && s.getLong("heapMax") > 0, s::toString);
    }

    @Test
    void aConversationPastItsHardMemoryLimitIsRefusedUntilItShrinksAndIdleOnesAreDropped() {
        ChildResult r = ChildJvm.app(MonitoredTools.class).recording()
                .agentArguments("limits.conversation.soft=2KB,limits.conversation.hard=4KB,conversation.idle=1s,"
                        + "monitor.interval=200ms")
                .args("conversation").run();
        Map<String, String> v = r.values();
        assertEquals("[ok reply, ok reply, rejected CONVERSATION_MEMORY, rejected CONVERSATION_MEMORY, "
                + "rejected CONVERSATION_MEMORY, rejected CONVERSATION_MEMORY, rejected CONVERSATION_MEMORY, "
                + "rejected CONVERSATION_MEMORY]", v.get("growing"), r::describe);
        assertEquals("ok reply to hi", v.get("otherConversation"), "other conversations go on");
        assertEquals("true", v.get("bigMemory"));
        assertEquals("ok reply to short", v.get("afterShrink"), "the application's own figure clears the limit");
        assertEquals("CONVERSATION_MEMORY/SOFT,CONVERSATION_MEMORY/HARD,CONVERSATION_MEMORY/HARD/cleared,"
                + "CONVERSATION_MEMORY/SOFT/cleared", v.get("alerts"));
        assertEquals("true", v.get("waited.idleDropped"), "an idle conversation is dropped");
        List<RecordedEvent> memory = r.events("toolwarden.ConversationMemory");
        assertTrue(memory.stream().anyMatch(e -> e.getString("conversationId").equals("big") && e.getLong("bytes") > 0),
                () -> "periodic conversation memory events: " + memory);
    }

    @Test
    void oshiAndTheJmxBeansWaitForTheStartUpGraceAndTheJdksFiguresServeMeanwhile() {
        ChildResult r = ChildJvm.app(MonitoredTools.class).agentArguments("startup.grace=2s,monitor.interval=200ms")
                .args("grace").run();
        Map<String, String> v = r.values();
        assertEquals("true", v.get("waited.firstSample"), r::describe);
        assertEquals("jdk", v.get("sourceDuringGrace"), "sampled from the first interval, with the JDK's figures");
        assertEquals("0", v.get("beansDuringGrace"), "no MBean registered during the grace");
        assertEquals("true", v.get("waited.beans"), r::describe);
        assertEquals(Integer.parseInt(v.get("javaFeature")) >= 24 ? "jdk" : "oshi", v.get("sourceAfterGrace"), r::describe);
    }

    @Test
    void oshisFiguresArePlausibleOnThisMachine() throws Exception {
        // startup.grace=0s: OSHI from the first sample (by default the JDK's figures come first, for the start-up).
        ChildResult r = ChildJvm.app(MonitoredTools.class).agentArguments("startup.grace=0s").args("plausible").run();
        Map<String, String> v = r.values();
        // OSHI where it runs quietly; on JDK 24+ without --enable-native-access, the JDK's own figures.
        assertEquals(Integer.parseInt(v.get("javaFeature")) >= 24 ? "jdk" : "oshi", v.get("source"), r::describe);
        long memTotalKb = Files.readAllLines(Paths.get("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
        assertEquals(memTotalKb * 1024, Long.parseLong(v.get("memoryTotal")), "total memory as /proc/meminfo says");
        assertEquals("true", v.get("memoryUsedPlausible"));
        assertEquals("true", v.get("cpuPlausible"));
        assertEquals("true", v.get("heapMax"));
        assertTrue(r.stderr().lines().noneMatch(l -> l.contains("WARNING")), "no JVM warning: " + r.stderr());
    }
}
