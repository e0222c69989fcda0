package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code java -jar toolwarden-agent.jar VERB}. */
class CommandLineIT {


    @Test
    void versionPrintsTheBuildsVersion() throws Exception {
        String[] r = ChildJvm.cli("--version");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].matches("toolwarden \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"), r[1]);
    }

    @Test
    void helpExplainsTheUsage() throws Exception {
        String[] r = ChildJvm.cli("--help");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("-javaagent:toolwarden-agent.jar"), r[1]);
    }

    @Test
    void anUnknownVerbIsAUsageErrorWithStatusTwo() throws Exception {
        String[] r = ChildJvm.cli("frobnicate");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("unknown command 'frobnicate'"), r[2]);
        assertEquals(1, r[2].strip().lines().count(), "one line: " + r[2]);
    }
}
