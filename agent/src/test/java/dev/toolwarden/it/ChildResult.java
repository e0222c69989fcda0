package dev.toolwarden.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/** What a child JVM did: its exit status, its output, and its recording. */
public final class ChildResult {

    private final List<String> command;
    private final int exitCode;
    private final String stdout;
    private final String stderr;
    private final Path recording;
    private List<RecordedEvent> events;

    ChildResult(List<String> command, int exitCode, String stdout, String stderr, Path recording) {
        this.command = command;
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
        this.recording = recording;
    }

    /** @return the exit status */
    public int exitCode() {
        return exitCode;
    }

    /** @return standard output */
    public String stdout() {
        return stdout;
    }

    /** @return standard error */
    public String stderr() {
        return stderr;
    }

    /** @return the recording, or {@code null} */
    public Path recording() {
        return recording;
    }

    /** @return the agent's lines on standard error ({@code [toolwarden] ...}) */
    public List<String> agentLines() {
        return stderr.lines().filter(l -> l.startsWith("[toolwarden]")).collect(Collectors.toList());
    }

    /** @return the agent's error lines */
    public List<String> agentErrors() {
        return stderr.lines().filter(l -> l.startsWith("[toolwarden] error:")).collect(Collectors.toList());
    }

    /** @return the agent's warning lines */
    public List<String> agentWarnings() {
        return stderr.lines().filter(l -> l.startsWith("[toolwarden] warn:")).collect(Collectors.toList());
    }

    /**
     * The application's {@code RESULT key=value} lines on standard output.
     *
     * @return values by key (the last one wins)
     */
    public Map<String, String> values() {
        Map<String, String> m = new TreeMap<>();
        stdout.lines().forEach(l -> {
            int eq = l.indexOf('=');
            if (eq > 0 && l.startsWith("RESULT ")) {
                m.put(l.substring(7, eq), l.substring(eq + 1));
            }
        });
        return m;
    }

    /**
     * @param path a recording
     * @param name an event name such as {@code toolwarden.Execution}
     * @return the recording's events of that name
     */
    public static List<RecordedEvent> events(Path path, String name) {
        try {
            List<RecordedEvent> out = new ArrayList<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(path)) {
                if (e.getEventType().getName().equals(name)) {
                    out.add(e);
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path, e);
        }
    }

    /**
     * @param name an event name
     * @return this run's recorded events of that name
     */
    public synchronized List<RecordedEvent> events(String name) {
        if (recording == null) {
            throw new AssertionError("the child JVM left no recording:\n" + describe());
        }
        return events(recording, name);
    }

    /** @return the {@code toolwarden.Execution} events */
    public List<RecordedEvent> executions() {
        if (events == null) {
            events = events("toolwarden.Execution");
        }
        return events;
    }

    /**
     * @param toolName a tool name
     * @return its {@code toolwarden.Execution} events
     */
    public List<RecordedEvent> executions(String toolName) {
        return executions().stream().filter(e -> toolName.equals(e.getString("name"))).collect(Collectors.toList());
    }

    /** @return the command, exit status and output, for assertion messages */
    public String describe() {
        return "command: " + String.join(" ", command) + "\nexit: " + exitCode + "\n--- stdout\n" + stdout
                + "--- stderr\n" + stderr;
    }
}
