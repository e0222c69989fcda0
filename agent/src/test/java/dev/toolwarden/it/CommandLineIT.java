package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code java -jar toolwarden-agent.jar VERB}. */
class CommandLineIT {

    private static String[] run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ChildJvm.JAVA, "-jar", ChildJvm.AGENT.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String[] {String.valueOf(p.exitValue()), out, err};
    }

    @Test
    void versionPrintsTheBuildsVersion() throws Exception {
        String[] r = run("--version");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].matches("toolwarden \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"), r[1]);
    }

    @Test
    void helpExplainsTheUsage() throws Exception {
        String[] r = run("--help");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("-javaagent:toolwarden-agent.jar"), r[1]);
    }

    @Test
    void anUnknownVerbIsAUsageErrorWithStatusTwo() throws Exception {
        String[] r = run("frobnicate");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("unknown command 'frobnicate'"), r[2]);
        assertEquals(1, r[2].strip().lines().count(), "one line: " + r[2]);
    }
}
