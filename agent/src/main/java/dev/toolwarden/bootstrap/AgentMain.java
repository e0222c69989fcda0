package dev.toolwarden.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.util.jar.JarFile;

/**
 * The agent jar's entry point for {@code -javaagent}, dynamic attach and the command line. It
 * only sets the stage: the API and bridge go on the bootstrap class path, and everything else is
 * loaded by an isolated class loader from the jar's {@code inst/} folder, so the application never
 * sees the agent's libraries. Uses nothing but the JDK.
 */
public final class AgentMain {

    private AgentMain() {
    }

    /**
     * Called by the JVM for {@code -javaagent:toolwarden-agent.jar[=options]}.
     *
     * @param arguments the options after {@code =}, or {@code null}
     * @param instrumentation the JVM's instrumentation
     */
    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, false);
    }

    /**
     * Called by the JVM when the agent is attached to a running JVM.
     *
     * @param arguments the options, or {@code null}
     * @param instrumentation the JVM's instrumentation
     */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, true);
    }

    /**
     * The command line: {@code java -jar toolwarden-agent.jar VERB ...}.
     *
     * @param args the verb and its arguments
     */
    public static void main(String[] args) {
        int status;
        try {
            // From `java -jar`, the agent jar is the class path: the API classes and the JDK's tools
            // (jdk.attach) come from the system class loader.
            ClassLoader loader = new AgentClassLoader(agentJar(), ClassLoader.getSystemClassLoader());
            Object result = loader.loadClass("dev.toolwarden.cli.CommandLine")
                    .getMethod("run", String[].class).invoke(null, (Object) args);
            status = (Integer) result;
        } catch (InvocationTargetException e) {
            System.err.println("toolwarden: " + e.getCause());
            status = 1;
        } catch (Throwable e) {
            System.err.println("toolwarden: cannot start the command line: " + e);
            status = 1;
        }
        System.exit(status);
    }

    private static void start(String arguments, Instrumentation instrumentation, boolean attached) {
        Object installer;
        try {
            File jar = agentJar();
            JarFile agentJar = new JarFile(jar);
            if (agentJar.getEntry("inst/dev/toolwarden/agent/Installer.classdata") == null) {
                // This class was found in another jar first: a copy of the agent's plain classes on the
                // application's class path. Appending that jar to the bootstrap path would do harm.
                agentJar.close();
                System.err.println("[toolwarden] error: the agent is not active: " + jar + " holds Toolwarden's "
                        + "launcher but not the agent; take toolwarden-agent's classes off the application's class path");
                return;
            }
            instrumentation.appendToBootstrapClassLoaderSearch(agentJar);
            ClassLoader loader = new AgentClassLoader(jar, ClassLoader.getPlatformClassLoader());
            installer = loader.loadClass("dev.toolwarden.agent.Installer")
                    .getMethod("install", String.class, Instrumentation.class, boolean.class)
                    .invoke(null, arguments, instrumentation, attached);
        } catch (InvocationTargetException e) {
            // The installer reports its own problems; one that escapes it is a bug, and the application
            // still runs, without the agent.
            System.err.println("[toolwarden] error: the agent failed to start and is not active: " + e.getCause());
        } catch (Throwable e) {
            // Whatever happens here, the application starts: without the agent.
            System.err.println("[toolwarden] error: the agent failed to start and is not active: " + e);
        }
    }

    static File agentJar() throws URISyntaxException {
        return new File(AgentMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
