package dev.toolwarden.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts a test application in a child JVM the way users run it:
 * {@code java -javaagent:agent/target/toolwarden-agent.jar[=args] -cp ... Main}, optionally with a
 * JFR recording, and returns what it printed and recorded.
 *
 * <p>Unless told otherwise, a run fails when the agent printed an error line: a transformation
 * error or an internal error kept from the application that the test did not expect.
 */
public final class ChildJvm {

    /** Where the built agent jar is (set by the build). */
    public static final Path AGENT = Paths.get(setting("toolwarden.it.agent", "target/toolwarden-agent.jar"));
    /** The java executable of the child JVMs (the build's JDK, or JDK 25 in CI's second run). */
    public static final String JAVA = setting("toolwarden.it.java",
            Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    /** The compiled test applications. */
    public static final Path TEST_CLASSES = Paths.get(setting("toolwarden.it.classes", "target/test-classes"));
    /** The SDK's compiled classes, for applications that have the SDK on their class path. */
    public static final Path SDK_CLASSES = Paths.get(setting("toolwarden.it.sdk", "../sdk/target/classes"));
    /** Other versions of the agent's libraries. */
    public static final Path FOREIGN_LIBS = Paths.get(setting("toolwarden.it.foreign", "target/foreign-libs"));
    /** The Caffeine jar the SDK is built with. */
    public static final Path CAFFEINE = jarOf(com.github.benmanes.caffeine.cache.Caffeine.class);
    private static final Path WORK = Paths.get(setting("toolwarden.it.work", "target/it-work"));
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static Integer childFeature;

    private final String mainClass;
    private String module;
    private final List<String> classpath = new ArrayList<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> beforeAgent = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();
    private String agentArguments;
    private boolean agent = true;
    private boolean record;
    private boolean errorsExpected;
    private long timeoutSeconds = 120;

    private ChildJvm(String mainClass) {
        this.mainClass = mainClass;
        classpath.add(TEST_CLASSES.toString());
    }

    /**
     * @param mainClass the test application's main class
     * @return a child JVM running it with the agent and the test classes on its class path
     */
    public static ChildJvm app(Class<?> mainClass) {
        return new ChildJvm(mainClass.getName());
    }

    /** @return this, with the agent arguments {@code -javaagent:...=text} */
    public ChildJvm agentArguments(String text) {
        this.agentArguments = text;
        return this;
    }

    /**
     * Runs without the agent: the baseline, as the application ships, with the SDK jar (and its
     * Caffeine) on its class path.
     *
     * @return this
     */
    public ChildJvm withoutAgent() {
        this.agent = false;
        if (!classpath.contains(SDK_CLASSES.toString())) {
            classpath(SDK_CLASSES, CAFFEINE);
        }
        return this;
    }

    /** @return this, with {@code -Dkey=value} */
    public ChildJvm property(String key, String value) {
        jvmOptions.add("-D" + key + "=" + value);
        return this;
    }

    /** @return this, with a JVM option ahead of Toolwarden's {@code -javaagent} (another agent that is to start first) */
    public ChildJvm beforeAgent(String option) {
        beforeAgent.add(option);
        return this;
    }

    /** @return this, with a JVM option */
    public ChildJvm jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    /**
     * Runs {@code --module-path path -m module/mainClass} instead of the class path.
     *
     * @param modulePath where the module is
     * @param moduleName the module's name
     * @param main the main class in it
     * @return a child JVM running the module with the agent
     */
    public static ChildJvm module(Path modulePath, String moduleName, String main) {
        ChildJvm c = new ChildJvm(main);
        c.classpath.clear();
        c.classpath.add(modulePath.toString());
        c.module = moduleName;
        return c;
    }

    /** @return this, with an environment variable */
    public ChildJvm env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** @return this, with more class path entries after the test classes */
    public ChildJvm classpath(Path... entries) {
        for (Path p : entries) {
            classpath.add(p.toString());
        }
        return this;
    }

    /** @return this, with only these class path entries (not the test classes) before the given ones */
    public ChildJvm onlyClasspath(Path... entries) {
        classpath.clear();
        return classpath(entries);
    }

    /** @return this, with program arguments */
    public ChildJvm args(String... values) {
        args.addAll(List.of(values));
        return this;
    }

    /** @return this, recording with JFR from start-up (the JDK's default settings) */
    public ChildJvm recording() {
        this.record = true;
        return this;
    }

    /** @return this, where agent error lines are part of what the test checks */
    public ChildJvm expectingAgentErrors() {
        this.errorsExpected = true;
        return this;
    }

    /**
     * Runs the child to completion.
     *
     * @return what it did
     */
    public ChildResult run() {
        try {
            Files.createDirectories(WORK);
            String id = mainClass.substring(mainClass.lastIndexOf('.') + 1) + "-" + RUNS.incrementAndGet() + "-"
                    + ProcessHandle.current().pid();
            Path jfr = WORK.resolve(id + ".jfr");
            Files.deleteIfExists(jfr);
            List<String> command = new ArrayList<>();
            command.add(JAVA);
            command.addAll(beforeAgent);
            if (agent) {
                command.add("-javaagent:" + AGENT.toAbsolutePath() + (agentArguments == null ? "" : "=" + agentArguments));
            }
            if (record) {
                command.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=default");
            }
            command.add("-Xshare:auto");
            if (agent) {
                // The build itself saturates this 2-core machine's CPU for seconds at a time; with shedding
                // on, unrelated tests would see their tool calls refused. The shedding tests turn it on
                // with an agent argument, which wins over this property.
                command.add("-Dtoolwarden.shedding=false");
                // No metrics database unless a test asks for one: the default, an H2 file in the user's
                // home, would be shared by every test JVM. The database tests set toolwarden.db.url.
                command.add("-Dtoolwarden.db.url=none");
            }
            command.addAll(jvmOptions);
            if (module == null) {
                command.add("-cp");
                command.add(String.join(File.pathSeparator, classpath));
                command.add(mainClass);
            } else {
                command.add("--module-path");
                command.add(String.join(File.pathSeparator, classpath));
                command.add("-m");
                command.add(module + "/" + mainClass);
            }
            command.addAll(args);

            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().keySet().removeIf(k -> k.startsWith("TOOLWARDEN_") || k.startsWith("JAVA_TOOL_OPTIONS")
                    || k.startsWith("JDK_JAVA_OPTIONS"));
            pb.environment().putAll(environment);
            Path out = WORK.resolve(id + ".out");
            Path err = WORK.resolve(id + ".err");
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("child JVM did not end within " + timeoutSeconds + "s: " + command + "\n" + read(out) + read(err));
            }
            ChildResult result = new ChildResult(command, p.exitValue(), read(out), read(err),
                    Files.exists(jfr) ? jfr : null);
            if (!errorsExpected && result.agentErrors().size() > 0) {
                fail("the agent reported errors the test did not expect:\n" + result.describe());
            }
            return result;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return a fresh path in the work folder, for files a test hands to a child */
    public static Path workFile(String name) {
        try {
            Files.createDirectories(WORK);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // The pid keeps the files of a second test run (CI runs the suite twice) apart from the first's.
        return WORK.resolve(ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet() + "-" + name).toAbsolutePath();
    }

    /**
     * Runs the agent jar's command line, {@code java -jar toolwarden-agent.jar args...}.
     *
     * @param args the verb and its arguments
     * @return exit status, standard output and standard error
     */
    public static String[] cli(String... args) {
        try {
            List<String> command = new ArrayList<>(List.of(JAVA, "-jar", AGENT.toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).start();
            // Standard error is small (one line, or none): reading standard output first cannot stall the child.
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("the command line did not end: " + command);
            }
            return new String[] {String.valueOf(p.exitValue()), out, err};
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return the feature version (17, 21, 25) of the child JVMs */
    public static synchronized int childFeatureVersion() {
        if (childFeature == null) {
            ChildJvm probe = new ChildJvm(FeatureVersion.class.getName());
            probe.agent = false;
            ChildResult r = probe.run();
            childFeature = Integer.parseInt(r.stdout().trim());
        }
        return childFeature;
    }

    static Path jarOf(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static String setting(String key, String fallback) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Prints the child JVM's feature version. */
    public static final class FeatureVersion {
        /** @param args unused */
        public static void main(String[] args) {
            System.out.println(Runtime.version().feature());
        }
    }
}
