package dev.toolwarden.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.toolwarden.events.CacheStatisticsEvent;
import dev.toolwarden.events.ConnectionPoolEvent;
import dev.toolwarden.events.ConversationMemoryEvent;
import dev.toolwarden.events.ExecutionEvent;
import dev.toolwarden.events.ResourceAlertEvent;
import dev.toolwarden.events.SystemResourcesEvent;
import dev.toolwarden.events.TimeoutEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.SettingDescriptor;
import org.junit.jupiter.api.Test;

/** The shipped {@code toolwarden.jfc} against the event classes it configures. */
class FlightRecordingTest {

    private static final List<Class<? extends Event>> EVENTS = List.of(ExecutionEvent.class, TimeoutEvent.class,
            ResourceAlertEvent.class, SystemResourcesEvent.class, ConnectionPoolEvent.class,
            CacheStatisticsEvent.class, ConversationMemoryEvent.class);

    @Test
    void theJfcEnablesEveryEventWithOnlySettingsTheEventHasAndKeepsItsStackTraceChoice() throws Exception {
        Map<String, String> jfc = FlightRecording.settings(); // "event#setting" -> value
        assertFalse(jfc.isEmpty(), "toolwarden.jfc is on the class path");
        Map<String, EventType> types = new HashMap<>();
        for (Class<? extends Event> c : EVENTS) {
            EventType type = EventType.getEventType(c);
            types.put(type.getName(), type);
            assertEquals("true", jfc.get(type.getName() + "#enabled"), type.getName() + " is enabled");
        }
        for (Map.Entry<String, String> e : jfc.entrySet()) {
            String[] parts = e.getKey().split("#", 2);
            EventType type = types.get(parts[0]);
            assertNotNull(type, "the jfc names an event Toolwarden does not have: " + parts[0]);
            SettingDescriptor setting = type.getSettingDescriptors().stream()
                    .filter(s -> s.getName().equals(parts[1])).findFirst().orElse(null);
            // A "period" on an event that is not registered as periodic, say, would be silently ignored.
            assertNotNull(setting, parts[0] + " has no setting " + parts[1] + " (the jfc sets it to " + e.getValue() + ")");
            if (parts[1].equals("stackTrace")) {
                assertEquals(setting.getDefaultValue(), e.getValue(), parts[0] + ": the jfc overrides the class's @StackTrace");
            }
        }
        assertTrue(jfc.containsKey(ExecutionEvent.NAME + "#threshold"), "every call is recorded: no threshold");
    }
}
