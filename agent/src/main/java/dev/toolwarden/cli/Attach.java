package dev.toolwarden.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.toolwarden.config.Configuration;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.Properties;

/**
 * {@code attach PID [key=value,...]}: loads the agent into a running JVM through the JDK's attach
 * API. Checks first what can be checked from outside (the options, the JVM's Java version, a
 * Toolwarden already running there), so that a refusal is one clear line here rather than a
 * warning in the other JVM's output.
 */
final class Attach {

    /** The system property the agent sets in a JVM it runs in: its version. */
    static final String RUNNING = "dev.toolwarden.agent";

    private Attach() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 1 || args.length > 2) {
            err.println("toolwarden: usage: attach PID [key=value,key=value...]");
            return 2;
        }
        String pid = args[0];
        if (!pid.matches("\\d+")) {
            err.println("toolwarden: '" + pid + "' is not a process id (jps or jcmd lists the JVMs you may attach to)");
            return 2;
        }
        String options = args.length == 2 ? args[1] : null;
        // A config file is the target's: it is read once the target's working directory is known (below).
        if (options != null && refused(Configuration.load(options, Map.of(), Map.of()).problems(), true, err)) {
            return 2;
        }
        if (pid.equals(String.valueOf(ProcessHandle.current().pid()))) {
            err.println("toolwarden: " + pid + " is this command's own process");
            return 2;
        }
        File jar;
        try {
            jar = new File(Attach.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            err.println("toolwarden: cannot find the agent jar: " + e);
            return 1;
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(pid);
        } catch (AttachNotSupportedException | IOException e) {
            err.println("toolwarden: cannot attach to JVM " + pid + ": " + e.getMessage() + " (the JVM must be running, "
                    + "as the same user as this command, without -XX:+DisableAttachMechanism; otherwise start it with "
                    + "-javaagent:" + jar + ")");
            return 1;
        }
        try {
            Properties target = vm.getSystemProperties();
            String version = target.getProperty("java.specification.version", "?");
            if (feature(version) < 17) {
                err.println("toolwarden: JVM " + pid + " runs Java " + version + "; Toolwarden needs Java 17 or newer");
                return 2;
            }
            if (options != null) {
                // A relative config file is the target's, where the agent reads it: resolved against its directory.
                options = withTargetPath(options, target.getProperty("user.dir"));
                if (refused(Configuration.load(options, Map.of(), Map.of()).problems(), false, err)) {
                    return 2;
                }
            }
            String running = target.getProperty(RUNNING);
            if (running != null) {
                err.println("toolwarden: Toolwarden " + running + " is already running in JVM " + pid
                        + " (started with -javaagent, or attached before); attaching twice is refused");
                return 2;
            }
            vm.loadAgent(jar.getAbsolutePath(), options);
            // The agent never fails the target's attach listener: when it declines (the target's own settings:
            // strict mode with a problem, enabled=false) it says why in the target's output, and is not running.
            if (vm.getSystemProperties().getProperty(RUNNING) == null) {
                err.println("toolwarden: JVM " + pid + " loaded the agent but it did not start: its reason is in that"
                        + " JVM's standard error (its own toolwarden settings, such as strict mode with a problem or"
                        + " enabled=false, apply too)");
                return 1;
            }
            out.println("toolwarden: attached to JVM " + pid + " (Java " + version + "); the agent's lines are in that"
                    + " JVM's standard error, classes already loaded are woven in the background");
            return 0;
        } catch (AgentLoadException | AgentInitializationException e) {
            err.println("toolwarden: JVM " + pid + " could not start the agent: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("toolwarden: attaching to JVM " + pid + " failed: " + e.getMessage());
            return 1;
        } finally {
            try {
                vm.detach();
            } catch (IOException e) {
                // the agent is loaded or not; the connection goes with this process anyway
            }
        }
    }

    /**
     * @param problems the options' problems
     * @param beforeAttach whether the target is not known yet: a config file that cannot be read is then not one
     * @return whether the attach is refused (said, one line per problem and one to end)
     */
    private static boolean refused(java.util.List<String> problems, boolean beforeAttach, PrintStream err) {
        java.util.List<String> shown = new java.util.ArrayList<>();
        for (String p : problems) {
            if (!(beforeAttach && p.startsWith("cannot read toolwarden.config="))) {
                shown.add(p);
            }
        }
        if (shown.isEmpty()) {
            return false;
        }
        shown.forEach(p -> err.println("toolwarden: " + p));
        err.println("toolwarden: not attaching: fix the option(s) above");
        return true;
    }

    /** @return the options, with a relative {@code config=} file made absolute against the target's directory */
    static String withTargetPath(String options, String targetDirectory) {
        if (targetDirectory == null) {
            return options;
        }
        String[] items = options.split(",", -1);
        for (int i = 0; i < items.length; i++) {
            String item = items[i].trim();
            int eq = item.indexOf('=');
            String key = eq < 0 ? "" : item.substring(0, eq).trim();
            if (key.equals("config") || key.equals("toolwarden.config")) {
                String file = item.substring(eq + 1).trim();
                if (!file.isEmpty() && !new File(file).isAbsolute()) {
                    items[i] = key + "=" + new File(targetDirectory, file).getPath();
                }
            }
        }
        return String.join(",", items);
    }

    private static int feature(String specification) {
        try {
            String s = specification.startsWith("1.") ? specification.substring(2) : specification;
            int dot = s.indexOf('.');
            return Integer.parseInt(dot < 0 ? s : s.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
