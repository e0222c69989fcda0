package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.apps.AttachTarget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** {@code java -jar toolwarden-agent.jar attach PID}: the agent loaded into a JVM that is already running. */
class AttachIT {

    /**
     * Starts {@link AttachTarget} without the agent, its output in {@code dir}: HikariCP, H2 and SLF4J (no-op)
     * beside the test classes, since the target makes a pool before the attach.
     */
    private static Process startTarget(Path dir, String... jvmOptions) throws Exception {
        return startTarget(dir, null, jvmOptions);
    }

    /** As above, in another working directory (or the test's, when {@code null}). */
    private static Process startTarget(Path dir, Path workingDirectory, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(ChildJvm.JAVA));
        if (ChildJvm.childFeatureVersion() >= 21) {
            // Says that loading an agent later is intended; without it JDK 21+ prints a warning (JEP 451).
            command.add("-XX:+EnableDynamicAgentLoading");
        }
        command.addAll(List.of(jvmOptions));
        String classPath = String.join(java.io.File.pathSeparator, ChildJvm.TEST_CLASSES.toString(),
                ChildJvm.jarOf(com.zaxxer.hikari.HikariDataSource.class).toString(),
                ChildJvm.jarOf(org.h2.Driver.class).toString(), ChildJvm.jarOf(org.slf4j.LoggerFactory.class).toString(),
                ChildJvm.jarOf(Class.forName("org.slf4j.nop.NOPServiceProvider")).toString());
        command.addAll(List.of("-cp", classPath, AttachTarget.class.getName(), dir.toAbsolutePath().toString(),
                ChildJvm.SDK_CLASSES.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        if (workingDirectory != null) {
            pb.directory(workingDirectory.toFile());
        }
        pb.environment().keySet().removeIf(k -> k.startsWith("TOOLWARDEN_") || k.startsWith("JAVA_TOOL_OPTIONS"));
        return pb.redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile()).start();
    }

    /** @return the target's process id, once it has written it (it is then ready to be attached to) */
    private static String awaitPid(Process target, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(dir.resolve("pid"))) {
            assertTrue(target.isAlive() && System.nanoTime() < deadline, "the target started");
            Thread.sleep(20);
        }
        return Files.readString(dir.resolve("pid")).trim();
    }

    @Test
    void attachingWeavesClassesAlreadyLoadedLeavesCallsInFlightAloneAndIsRefusedTheSecondTime() throws Exception {
        Path dir = Files.createTempDirectory(ChildJvm.workFile("attach").getParent(), "attach");
        Path recording = dir.resolve("attached.jfr");
        Process target = startTarget(dir);
        try {
            String pid = awaitPid(target, dir);

            String[] bad = ChildJvm.cli("attach", pid, "timeout.hard=soon");
            assertEquals("2", bad[0], "bad options are refused before attaching: " + bad[2]);
            assertTrue(bad[2].contains("toolwarden.timeout.hard=soon"), bad[2]);

            String[] first = ChildJvm.cli("attach", pid, "jfr.record=" + recording + ",db.url=none,shedding=false");
            assertEquals("0", first[0], () -> "attach: " + first[1] + first[2]);
            assertTrue(first[1].contains("attached to JVM " + pid), first[1]);

            String[] second = ChildJvm.cli("attach", pid);
            assertEquals("2", second[0], second[1] + second[2]);
            assertTrue(second[2].contains("already running in JVM " + pid), second[2]);
            assertEquals(1, second[2].lines().count(), "one line: " + second[2]);

            Files.writeString(dir.resolve("attached"), "x");
            assertTrue(target.waitFor(60, TimeUnit.SECONDS), "the target ended");
            String out = Files.readString(dir.resolve("out"), StandardCharsets.UTF_8);
            String err = Files.readString(dir.resolve("err"), StandardCharsets.UTF_8);
            assertEquals(0, target.exitValue(), out + err);
            Map<String, String> v = new HashMap<>();
            out.lines().filter(l -> l.startsWith("RESULT ")).forEach(l -> {
                String kv = l.substring(7);
                v.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            });
            assertEquals("quick before", v.get("before"), out + err);
            assertEquals("woke after 1500", v.get("inFlight"), "the call in flight ended as it would have: " + err);
            assertEquals("dev.toolwarden.ToolTimeoutException", v.get("hang"),
                    "a class loaded before the agent is woven: its hard limit holds: " + err);
            assertTrue(Long.parseLong(v.get("hangMillis")) < 2000, v.get("hangMillis"));
            assertEquals("3", v.get("calls.quick"), "calls after the attach are counted, the one before is not");
            assertEquals("fallback b after ToolTimeoutException", v.get("webapp.guarded"),
                    "a child-first loader made before the attach delegates Toolwarden's API to the agent: " + err);
            assertEquals("1", v.get("webapp.seen"), "and its API reaches the agent's runtime");
            assertEquals("1", v.get("calls.hang"), "the call in flight is not counted: it began unwoven");
            assertEquals("[before-attach 1/3]", v.get("pools"),
                    "a HikariCP pool made before the attach is found at its housekeeping, once: " + err);
            assertTrue(err.contains("active (attached)"), err);
            assertTrue(err.matches("(?s).*attached: \\d+ class\\(es\\) already loaded were examined, [1-9]\\d* woven.*"), err);
            assertFalse(err.contains("WARNING"), "no JVM warning in the application's output: " + err);
            assertFalse(err.contains("[toolwarden] error"), err);

            List<RecordedEvent> events = RecordingFile.readAllEvents(recording);
            assertEquals(3, events.stream().filter(e -> e.getEventType().getName().equals("toolwarden.Execution")
                    && e.getString("name").equals("quick")).count());
            assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("toolwarden.Timeout")
                    && e.getString("name").equals("hang") && e.getString("level").equals("HARD")));
        } finally {
            target.destroyForcibly();
        }
    }

    @Test
    void anAttachTheTargetsOwnSettingsDeclineIsReportedAsNotStarted() throws Exception {
        Path dir = Files.createTempDirectory(ChildJvm.workFile("attach").getParent(), "declined");
        // The target's own setting, which the attach's options do not name: the agent declines there.
        Process target = startTarget(dir, "-Dtoolwarden.enabled=false");
        try {
            String pid = awaitPid(target, dir);
            String[] declined = ChildJvm.cli("attach", pid, "db.url=none");
            assertEquals("1", declined[0], () -> declined[1] + declined[2]);
            assertTrue(declined[2].contains("JVM " + pid + " loaded the agent but it did not start"), declined[2]);
            assertFalse(declined[1].contains("attached to JVM"), declined[1]);
            String err = Files.readString(dir.resolve("err"), StandardCharsets.UTF_8);
            assertTrue(err.contains("disabled by toolwarden.enabled=false"), "the target says why: " + err);
        } finally {
            target.destroyForcibly();
        }
    }

    /** A relative config file is the target's, as the agent reads it there: not looked for where the command runs. */
    @Test
    void aRelativeConfigFileIsTheTargetsNotTheCommandsDirectorys() throws Exception {
        Path dir = Files.createTempDirectory(ChildJvm.workFile("attach").getParent(), "config").toAbsolutePath();
        Files.writeString(dir.resolve("tw.properties"), "toolwarden.db.url=none\ntoolwarden.shedding=false\n");
        Process target = startTarget(dir, dir);
        try {
            String pid = awaitPid(target, dir);
            String[] attached = ChildJvm.cli("attach", pid, "config=tw.properties");
            assertEquals("0", attached[0], () -> attached[1] + attached[2]);
            assertTrue(attached[1].contains("attached to JVM " + pid), attached[1]);
            String err = Files.readString(dir.resolve("err"), StandardCharsets.UTF_8);
            assertTrue(err.contains("active (attached)"), err);
            assertFalse(err.contains("cannot read toolwarden.config"), "the target read its own file: " + err);

            String[] missing = ChildJvm.cli("attach", pid, "config=no-such.properties");
            assertEquals("2", missing[0], () -> missing[1] + missing[2]);
            assertTrue(missing[2].contains("cannot read toolwarden.config=" + dir.resolve("no-such.properties")),
                    "a file the target does not have either is refused, named as the target would read it: " + missing[2]);
        } finally {
            target.destroyForcibly();
        }
    }

    @Test
    void aProcessThatIsNotThereOrNotAPidIsOneLineAndAnError() {
        String[] gone = ChildJvm.cli("attach", "999999999");
        assertEquals("1", gone[0], gone[1] + gone[2]);
        assertEquals(1, gone[2].lines().count(), gone[2]);
        assertTrue(gone[2].startsWith("toolwarden: cannot attach to JVM 999999999"), gone[2]);

        String[] word = ChildJvm.cli("attach", "my-app");
        assertEquals("2", word[0]);
        assertTrue(word[2].contains("'my-app' is not a process id"), word[2]);

        String[] none = ChildJvm.cli("attach");
        assertEquals("2", none[0]);
        assertTrue(none[2].contains("usage: attach PID"), none[2]);
    }
}
