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
 * JVM start-up with and without the agent: each case is a fresh JVM, timed from launch to the line
 * that shows the application has started, and (for those that end by themselves) to its exit. The
 * cases run in turn, one round after another, so that the machine's drift spreads over all of them;
 * the median of the rounds is reported, with the time the agent adds to the same application
 * without it.
 *
 * <p>The applications: {@code Hello} (calls one tool and prints its answer, then exits), the chat
 * demo (until its first answer, its own database and pool and the agent's stored ranking included),
 * and {@code ManyClasses}, which loads and uses 10,000 generated classes, 100 of them with a tool,
 * prints a line and exits (and the same 10,000 classes with no tool among them: the agent's cost per
 * class, without weaving). Not a JMH benchmark: JMH measures code inside one JVM, this measures JVMs.
 *
 * <p>Run from the repository root after {@code mvn package -DskipTests}:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.toolwarden.benchmarks.StartupTime [rounds]}
 * (9 rounds by default; the JVM is the one running this, or {@code -Djava=/path/to/java}; the agent
 * jar is {@code agent/target/toolwarden-agent.jar}, or {@code -Dagent=/path/to/another.jar}; with
 * {@code -Dbaseline=/path/to/other.jar} every case with the agent is run with that build too, in the
 * same rounds, so that a change is measured before and after under the same conditions).
 */
public final class StartupTime {

    private static final String JAVA = System.getProperty("java",
            Path.of(System.getProperty("java.home"), "bin", "java").toString());
    private static final Path AGENT = Path.of(System.getProperty("agent", "agent/target/toolwarden-agent.jar"));
    /** Another build of the agent, timed beside {@link #AGENT} in the same rounds (before/after a change). */
    private static final String BASELINE = System.getProperty("baseline");
    private static final Path APPS = Path.of("agent/target/test-classes");
    private static final Path DEMO = Path.of("examples/target/toolwarden-examples.jar");
    private static final Path WORK = Path.of("benchmarks/target/startup");
    private static final Path CLASSES = WORK.resolve("classes10k.jar");
    /** The same 10,000 classes without a tool among them: what the agent costs an application per class. */
    private static final Path PLAIN_CLASSES = WORK.resolve("classes10k-no-tools.jar");

    private StartupTime() {
    }

    /** One way of starting one application. */
    private record Case(String app, String variant, List<String> command, String marker, boolean exits) {
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
                    "10000", "100"), null, true);
        }
        if (!Files.exists(PLAIN_CLASSES)) {
            run(List.of(JAVA, "-cp", APPS.toString(), "com.example.apps.ManyClasses", "generate", PLAIN_CLASSES.toString(),
                    "10000", "1000000"), null, true);
        }
        String agent = "-javaagent:" + AGENT;
        // The agent's default metrics database is an H2 file under the user's home: a fresh one here.
        String userHome = "-Duser.home=" + home;
        String manyPath = APPS + java.io.File.pathSeparator + CLASSES;
        List<String> hello = List.of("-cp", APPS.toString(), "com.example.apps.Hello", "plain");
        List<String> demo = List.of("-jar", DEMO.toString(), "1");
        List<String> many = List.of("-cp", manyPath, "com.example.apps.ManyClasses", "run", "10000");
        List<String> plain = List.of("-cp", APPS + java.io.File.pathSeparator + PLAIN_CLASSES,
                "com.example.apps.ManyClasses", "run", "10000");
        List<Case> planned = List.of(
                new Case("Hello", "without the agent", hello, "RESULT hello=", true),
                new Case("Hello", "agent, toolwarden.enabled=false", with(agent + "=enabled=false", hello),
                        "RESULT hello=", true),
                new Case("Hello", "agent, no metrics database", with(agent + "=db.url=none", hello), "RESULT hello=",
                        true),
                new Case("Hello", "agent, defaults (H2 metrics file)", with(agent, userHome, hello), "RESULT hello=",
                        true),
                new Case("demo", "without the agent", with(userHome, demo), "assistant>", false),
                new Case("demo", "agent, defaults (H2 metrics file)", with(agent, userHome, demo), "assistant>", false),
                // The demo reads the agent's stored ranking before its first answer: without a metrics database
                // there is nothing to open for it, which shows what the rest of the agent costs the demo.
                new Case("demo", "agent, no metrics database", with(agent + "=db.url=none", userHome, demo),
                        "assistant>", false),
                new Case("10,000 classes", "without the agent", many, "RESULT loaded=", true),
                new Case("10,000 classes", "agent, defaults (H2 metrics file)", with(agent, userHome, many),
                        "RESULT loaded=", true),
                new Case("10k, no tool", "without the agent", plain, "RESULT loaded=", true),
                new Case("10k, no tool", "agent, defaults (H2 metrics file)", with(agent, userHome, plain),
                        "RESULT loaded=", true));
        List<Case> cases = new ArrayList<>();
        for (Case c : planned) {
            cases.add(c);
            if (BASELINE != null && !c.variant().startsWith("without")) {
                List<String> command = new ArrayList<>();
                for (String part : c.command()) {
                    // Its own metrics file: the two builds must not invalidate each other's copy of it.
                    command.add(part.startsWith(agent) ? "-javaagent:" + BASELINE + part.substring(agent.length())
                            : part.equals(userHome) ? userHome + "-baseline" : part);
                }
                cases.add(new Case(c.app(), "baseline " + c.variant(), command, c.marker(), c.exits()));
            }
        }
        Map<Case, long[][]> times = new LinkedHashMap<>();
        cases.forEach(c -> times.put(c, new long[2][rounds]));
        // One untimed round first: the file cache, the H2 file's creation.
        for (Case c : cases) {
            time(c);
        }
        for (int r = 0; r < rounds; r++) {
            for (Case c : cases) {
                long[] t = time(c);
                times.get(c)[0][r] = t[0];
                times.get(c)[1][r] = t[1];
            }
            System.err.println("round " + (r + 1) + " of " + rounds + " done");
        }
        System.out.printf("JVM start-up, %s, %d rounds, median (min-max) in ms: to the application's start-up "
                + "line, and to its exit%n", JAVA, rounds);
        Map<String, long[]> baseline = new LinkedHashMap<>();
        for (Case c : cases) {
            long[] started = sorted(times.get(c)[0]);
            long[] exited = sorted(times.get(c)[1]);
            long[] median = {started[rounds / 2], exited[rounds / 2]};
            String added = "";
            if (c.variant().startsWith("without")) {
                baseline.put(c.app(), median);
            } else {
                long[] base = baseline.get(c.app());
                added = String.format("  +%d ms (+%.0f %%)", median[0] - base[0], 100.0 * (median[0] - base[0]) / base[0]);
                if (c.exits()) {
                    added += String.format("; exit +%d ms", median[1] - base[1]);
                }
            }
            System.out.printf("%-15s %-45s %6d (%d-%d)%s%s%n", c.app(), c.variant(), median[0], started[0],
                    started[rounds - 1], c.exits() ? String.format(", exit %d", median[1]) : "", added);
        }
    }

    private static long[] sorted(long[] values) {
        long[] t = values.clone();
        Arrays.sort(t);
        return t;
    }

    private static List<String> with(Object... parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof List<?> list) {
                list.forEach(o -> out.add((String) o));
            } else {
                out.add((String) p);
            }
        }
        return out;
    }

    /** @return milliseconds from launch to the case's start-up line, and to its exit (or 0) */
    private static long[] time(Case c) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(c.command());
        return run(command, c.marker(), c.exits());
    }

    private static long[] run(List<String> command, String marker, boolean toExit)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        long started = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
                if (started < 0 && marker != null && line.contains(marker)) {
                    started = System.nanoTime() - start;
                    if (!toExit) {
                        p.destroy();
                        p.waitFor(10, TimeUnit.SECONDS);
                        return new long[] {TimeUnit.NANOSECONDS.toMillis(started), 0};
                    }
                }
            }
        }
        int status = p.waitFor();
        long exited = System.nanoTime() - start;
        if (status != 0 || (marker != null && started < 0) || output.indexOf("[toolwarden] error") >= 0) {
            throw new IllegalStateException("failed (status " + status + (marker == null ? "" : ", no line with '"
                    + marker + "'") + "): " + String.join(" ", command) + "\n" + output);
        }
        return new long[] {TimeUnit.NANOSECONDS.toMillis(started), TimeUnit.NANOSECONDS.toMillis(exited)};
    }
}
