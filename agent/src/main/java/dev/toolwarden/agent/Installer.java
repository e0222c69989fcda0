package dev.toolwarden.agent;

import dev.toolwarden.agent.advice.AdviceBindings;
import dev.toolwarden.agent.matching.ClassPrefilter;
import dev.toolwarden.agent.matching.MethodSelector;
import dev.toolwarden.bootstrap.Bridge;
import dev.toolwarden.bootstrap.Dispatch;
import dev.toolwarden.config.Configuration;
import dev.toolwarden.config.Keys;
import dev.toolwarden.jmx.JmxExporter;
import dev.toolwarden.log.Log;
import dev.toolwarden.runtime.ToolwardenRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.time.Duration;

/**
 * Starts the agent inside the isolated class loader: reads the configuration, installs the runtime
 * behind the bridge, starts the recording if one is asked for, and registers the transformer.
 */
public final class Installer {

    private Installer() {
    }

    /**
     * Called reflectively by {@code AgentMain}.
     *
     * @param arguments the agent arguments, or {@code null}
     * @param instrumentation the JVM's instrumentation
     * @param attached whether the agent was attached to a running JVM
     */
    public static void install(String arguments, Instrumentation instrumentation, boolean attached) {
        Configuration config = Configuration.fromEnvironment(arguments);
        boolean strict = config.get(Keys.STRICT);
        Log.Level level = config.get(Keys.LOG_LEVEL);
        // A JVM that strict mode stops (or an attach it refuses) is never silent, even with log.level=off.
        Log.setLevel(strict && !config.problems().isEmpty() && level == Log.Level.OFF ? Log.Level.ERROR : level);
        for (String problem : config.problems()) {
            if (strict) {
                Log.error("configuration: " + problem);
            } else {
                Log.warn("configuration: " + problem);
            }
        }
        if (Bridge.runtime() != null) {
            Log.warn("the agent is already running in this JVM; this second copy does nothing");
            return;
        }
        if (strict && !config.problems().isEmpty()) {
            String problems = "configuration problem" + (config.problems().size() == 1 ? "" : "s") + " above";
            if (attached) {
                // Never stop a JVM that is already serving: strict mode refuses to attach instead.
                Log.error("toolwarden.strict=true: not attaching because of the " + problems);
                return;
            }
            Log.error("toolwarden.strict=true: stopping the JVM because of the " + problems);
            // Only in strict mode, which exists to stop a misconfigured deployment before it serves.
            System.exit(1);
        }
        if (!config.get(Keys.ENABLED)) {
            Log.info("disabled by toolwarden.enabled=false: nothing is woven");
            return;
        }
        ToolwardenRuntime runtime = new ToolwardenRuntime(config, true);
        if (!Bridge.install(runtime)) {
            Log.warn("the agent is already running in this JVM; this second copy does nothing");
            return;
        }
        Dispatch.install(runtime);
        String recording = FlightRecording.startIfConfigured(config);

        MethodSelector selector = new MethodSelector(config);
        AdviceBindings bindings = new AdviceBindings(selector, runtime);
        TransformationListener listener = new TransformationListener(runtime.errors());
        Weaver weaver = new Weaver(selector, bindings, listener);
        ClassPrefilter prefilter = new ClassPrefilter(config, selector.markerAnnotations());
        java.util.Set<String> hikari = Weaver.HIKARI_CLASSES;
        preloadJdkClasses();
        instrumentation.addTransformer(new WeavingTransformer(weaver, prefilter, runtime.errors(), hikari), true);
        warmUp(weaver);
        // Tells `attach` that this JVM has Toolwarden already (read from outside through the attach API).
        String version = version();
        System.setProperty("dev.toolwarden.agent", version);
        if (attached) {
            new Retransformer(instrumentation, prefilter, Installer.class.getClassLoader(), hikari).start();
        }

        if (config.get(Keys.JMX)) {
            // Registering the beans sets up the platform MBean server: after the start-up grace, off the start-up.
            Duration grace = config.get(Keys.STARTUP_GRACE);
            JmxExporter.start(runtime, runtime.housekeeping(), grace.compareTo(Duration.ofSeconds(1)) > 0 ? grace
                    : Duration.ofSeconds(1));
        }
        runtime.startMonitor();
        java.util.List<String> markers = new java.util.ArrayList<>(selector.markerAnnotations());
        java.util.Collections.sort(markers);
        Log.info("Toolwarden " + version + " active" + (attached ? " (attached)" : "") + ": tools by "
                + String.join(", ", markers)
                + (selector.patterns().isEmpty() ? "" : " and " + selector.patterns().size() + " method pattern(s)")
                + (recording == null ? "" : "; recording to " + recording));
        Runtime.getRuntime().addShutdownHook(new Thread(new AtExit(runtime, listener), "toolwarden-shutdown"));
    }

    /*
     * The installer's two tasks are classes, not lambdas: the first lambdas of a JVM make it generate
     * classes for each new shape, a few ms of start-up apiece (README, "Start-up"), and this is the
     * start-up path.
     */

    /** Warms the weaver up, then fetches the JVM's thread bean; on the warm-up thread. */
    private static final class WarmUp implements Runnable {
        private final Weaver weaver;

        WarmUp(Weaver weaver) {
            this.weaver = weaver;
        }

        @Override
        public void run() {
            try {
                weaver.warmUp();
            } catch (Throwable t) {
                Log.debug("warming up the weaver failed (" + t + "); the first woven class prepares it");
            }
            // Then what the first woven call needs (it would otherwise fetch it itself).
            dev.toolwarden.accounting.ThreadResources.prepare();
        }
    }

    /** What the agent says at exit. */
    private static final class AtExit implements Runnable {
        private final ToolwardenRuntime runtime;
        private final TransformationListener listener;

        AtExit(ToolwardenRuntime runtime, TransformationListener listener) {
            this.runtime = runtime;
            this.listener = listener;
        }

        @Override
        public void run() {
            long errors = runtime.internalErrors();
            if (errors > 0) {
                Log.warn(errors + " internal error(s) of " + runtime.errors().kinds()
                        + " kind(s) were kept from the application (each kind was logged when first seen)");
            }
            Log.debug("woven classes: " + listener.wovenClasses());
        }
    }

    /**
     * Prepares the weaver on a thread of its own while the JVM goes on starting the application:
     * loading the weaver's classes (ASM's) is most of what the first woven class costs, and until the
     * first class with a tool is loaded nothing needs them. A class that needs them sooner prepares
     * what it needs itself (the two share the work). Then the JVM's thread bean, which the first woven
     * call needs for its CPU time and allocations.
     */
    private static void warmUp(Weaver weaver) {
        dev.toolwarden.runtime.DaemonThreads.named("toolwarden-warmup", false).newThread(new WarmUp(weaver)).start();
    }

    /**
     * Loads the JDK class that the JVM first needs when it customizes a method handle, which it does
     * after about 127 calls through one (the lambda bootstrap's, say): the call that crosses that
     * count loads it. When that call happens inside another agent's transformer, which links a
     * lambda while it handles this very class, the JVM sees the class requested again while it is
     * loading and throws {@code ClassCircularityError} (the OpenTelemetry agent 2.22, attached after
     * Toolwarden, fails to start that way). Where the count is crossed depends on how many lambdas
     * every agent and the application link first, so Toolwarden, which cannot know, loads the class
     * before any later agent's transformer exists.
     */
    private static void preloadJdkClasses() {
        try {
            Class.forName("java.lang.invoke.MethodHandle$1", false, null);
        } catch (ClassNotFoundException | LinkageError e) {
            // another JDK's internals: nothing to preload
        }
    }

    /** @return the agent's version, from the build */
    public static String version() {
        // The file the build writes is one line, version=...: read as such (java.util.Properties' parser
        // is a few ms of the agent's start).
        try (InputStream in = Installer.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    if (line.startsWith("version=")) {
                        String v = line.substring("version=".length()).trim();
                        return v.isEmpty() ? "unknown" : v;
                    }
                }
            }
            return "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
