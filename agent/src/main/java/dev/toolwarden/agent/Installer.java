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
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Properties;
import net.bytebuddy.dynamic.ClassFileLocator;

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
        Log.setLevel(config.get(Keys.LOG_LEVEL));
        boolean strict = config.get(Keys.STRICT);
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
        Weaver weaver = new Weaver(selector, bindings, apiClassFiles(), listener);
        ClassPrefilter prefilter = new ClassPrefilter(config, selector.markerAnnotations());
        String hikari = Weaver.HIKARI_DATA_SOURCE.replace('.', '/');
        instrumentation.addTransformer(new WeavingTransformer(weaver, prefilter, runtime.errors(), selector::forget,
                hikari), true);
        warmUp(weaver, selector);
        // Tells `attach` that this JVM has Toolwarden already (read from outside through the attach API).
        System.setProperty("dev.toolwarden.agent", version());
        if (attached) {
            new Retransformer(instrumentation, prefilter, Installer.class.getClassLoader(), hikari).start();
        }

        if (config.get(Keys.JMX)) {
            JmxExporter.start(runtime, runtime.housekeeping(), Duration.ofSeconds(1));
        }
        runtime.startMonitor();
        Log.info("Toolwarden " + version() + " active" + (attached ? " (attached)" : "") + ": tools by "
                + String.join(", ", selector.markerAnnotations().stream().sorted().toList())
                + (selector.patterns().isEmpty() ? "" : " and " + selector.patterns().size() + " method pattern(s)")
                + (recording == null ? "" : "; recording to " + recording));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long errors = runtime.internalErrors();
            if (errors > 0) {
                Log.warn(errors + " internal error(s) of " + runtime.errors().kinds()
                        + " kind(s) were kept from the application (each kind was logged when first seen)");
            }
            Log.debug("woven classes: " + listener.wovenClasses());
        }, "toolwarden-shutdown"));
    }

    /**
     * Prepares the weaver on a thread of its own while the JVM goes on starting the application:
     * loading Byte Buddy and parsing the advice take most of the agent's start-up, and until the
     * first class with a tool is loaded nothing needs them. A class that needs them sooner prepares
     * what it needs itself (the two share the work).
     */
    private static void warmUp(Weaver weaver, MethodSelector selector) {
        dev.toolwarden.runtime.DaemonThreads.named("toolwarden-warmup", false).newThread(() -> {
            try {
                weaver.warmUp();
            } catch (Throwable t) {
                Log.debug("warming up the weaver failed (" + t + "); the first woven class prepares it");
            } finally {
                selector.forget();
            }
        }).start();
    }

    /**
     * Reads Toolwarden's annotations and API from the agent jar. Class files are described from the
     * loader of the class being woven; a loader that does not delegate to the system loader cannot
     * find Toolwarden's annotation types there, and an annotation whose type cannot be read is dropped
     * from the description, as the JVM drops it. The jar always has them.
     */
    private static ClassFileLocator apiClassFiles() {
        try {
            File jar = new File(Installer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return ClassFileLocator.ForJarFile.of(jar);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            Log.warn("cannot read the agent jar (" + e + "): methods of classes whose loader cannot see "
                    + "Toolwarden's annotations are not woven");
            return ClassFileLocator.NoOp.INSTANCE;
        }
    }

    /** @return the agent's version, from the build */
    public static String version() {
        try (InputStream in = Installer.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
