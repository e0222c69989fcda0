package dev.toolwarden.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * JVM start-up with and without the agent: each case is a fresh JVM, timed from launch to a line
 * that marks the application as started (or to its exit). The cases run in turn, one round after
 * another, so that the machine's drift spreads over all of them; the median of the rounds is
 * reported, with the time the agent adds to the same application without it.
 *
 * <p>The applications: {@code Hello} (prints a line and calls one tool, then exits), the chat demo
 * (until its first answer; its own database and pool included), and {@code ManyClasses}, which loads
 * 10,000 generated classes, 100 of them with a tool (until it exits). Not a JMH benchmark: JMH
 * measures code inside one JVM, this measures JVMs.
 *
 * <p>Run from the repository root after {@code mvn package -DskipTests}:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.toolwarden.benchmarks.StartupTime [rounds]}
 * (9 rounds by default; the JVM is the one running this, or {@code -Djava=/path/to/java}).
 */
public final class StartupTime {

    private static final String JAVA = System.getProperty("java",
            Path.of(System.getProperty("java.home"), "bin", "java").toString());
    private static final Path AGENT = Path.of("agent/target/toolwarden-agent.jar");
    private static final Path APPS = Path.of("agent/target/test-classes");
    private static final Path DEMO = Path.of("examples/target/toolwarden-examples.jar");
    private static final Path WORK = Path.of("benchmarks/target/startup");
    private static final Path CLASSES = WORK.resolve("classes10k.jar");

    private StartupTime() {
    }

    /** One way of starting one application. */
    private record Case(String app, String variant, List<String> command, String marker) {
    }

    /**
     * @param args optionally the number of rounds
     * @throws Exception if a JVM cannot be started or fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        for (Path p : List.of(AGENT, APPS, DEMO)) {
            if (!Files.exists(p)) {
                throw new IllegalStateException(p + " is missing: run `mvn package -DskipTests` from the repository root");
            }
        }
        Path home = Files.createDirectories(WORK.resolve("home")).toAbsolutePath();
        if (!Files.exists(CLASSES)) {
            run(List.of(JAVA, "-cp", APPS.toString(), "com.example.apps.ManyClasses", "generate", CLASSES.toString(),
                    "10000", "100"), null);
        }
        String agent = "-javaagent:" + AGENT;
        // The agent's default metrics database is an H2 file under the user's home: a fresh one here.
        String userHome = "-Duser.home=" + home;
        String manyPath = APPS + java.io.File.pathSeparator + CLASSES;
        List<Case> cases = List.of(
                new Case("Hello", "without the agent", List.of("-cp", APPS.toString(), "com.example.apps.Hello"), null),
                new Case("Hello", "agent, toolwarden.enabled=false", List.of(agent + "=enabled=false", "-cp",
                        APPS.toString(), "com.example.apps.Hello"), null),
                new Case("Hello", "agent, no metrics database", List.of(agent + "=db.url=none", "-cp", APPS.toString(),
                        "com.example.apps.Hello"), null),
                new Case("Hello", "agent, defaults (H2 metrics file)", List.of(agent, userHome, "-cp", APPS.toString(),
                        "com.example.apps.Hello"), null),
                new Case("demo", "without the agent", List.of(userHome, "-jar", DEMO.toString(), "1"), "assistant>"),
                new Case("demo", "agent, defaults (H2 metrics file)", List.of(agent, userHome, "-jar", DEMO.toString(),
                        "1"), "assistant>"),
                new Case("10,000 classes", "without the agent", List.of("-cp", manyPath,
                        "com.example.apps.ManyClasses", "run", "10000"), null),
                new Case("10,000 classes", "agent, defaults (H2 metrics file)", List.of(agent, userHome, "-cp",
                        manyPath, "com.example.apps.ManyClasses", "run", "10000"), null));
        Map<Case, long[]> times = new LinkedHashMap<>();
        cases.forEach(c -> times.put(c, new long[rounds]));
        // One untimed round first: the file cache, the JIT's code cache directories, the H2 file's creation.
        for (Case c : cases) {
            time(c);
        }
        for (int r = 0; r < rounds; r++) {
            for (Case c : cases) {
                times.get(c)[r] = time(c);
            }
            System.err.println("round " + (r + 1) + " of " + rounds + " done");
        }
        System.out.printf("JVM start-up, %s, %d rounds, median (min-max) in ms%n", System.getProperty("java.version"),
                rounds);
        Map<String, Long> baseline = new LinkedHashMap<>();
        for (Case c : cases) {
            long[] t = times.get(c).clone();
            Arrays.sort(t);
            long median = t[t.length / 2];
            String added = "";
            if (c.variant().startsWith("without")) {
                baseline.put(c.app(), median);
            } else {
                long base = baseline.get(c.app());
                added = String.format("  +%d ms (+%.0f %%)", median - base, 100.0 * (median - base) / base);
            }
            System.out.printf("%-15s %-36s %6d (%d-%d)%s%n", c.app(), c.variant(), median, t[0], t[t.length - 1],
                    added);
        }
    }

    /** @return milliseconds from launch to the case's marker line, or to its exit */
    private static long time(Case c) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(c.command());
        return run(command, c.marker());
    }

    private static long run(List<String> command, String marker) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
                if (marker != null && line.contains(marker)) {
                    long elapsed = System.nanoTime() - start;
                    p.destroy();
                    p.waitFor(10, TimeUnit.SECONDS);
                    return TimeUnit.NANOSECONDS.toMillis(elapsed);
                }
            }
        }
        int status = p.waitFor();
        long elapsed = System.nanoTime() - start;
        if (status != 0 || marker != null || output.indexOf("[toolwarden] error") >= 0) {
            throw new IllegalStateException("failed (status " + status + (marker == null ? "" : ", no line with '"
                    + marker + "'") + "): " + String.join(" ", command) + "\n" + output);
        }
        return TimeUnit.NANOSECONDS.toMillis(elapsed);
    }
}
