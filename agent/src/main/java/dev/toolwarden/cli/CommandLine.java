package dev.toolwarden.cli;

import dev.toolwarden.agent.Installer;
import java.io.PrintStream;

/**
 * {@code java -jar toolwarden-agent.jar VERB}: the command line. Exit status 0 on success, 2 for a
 * usage error or bad input.
 */
public final class CommandLine {

    private CommandLine() {
    }

    /**
     * @param args the verb and its arguments
     * @return the exit status
     */
    public static int run(String[] args) {
        PrintStream out = System.out;
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(usage());
            return args.length == 0 ? 2 : 0;
        }
        switch (args[0]) {
            case "--version":
            case "version":
                out.println("toolwarden " + Installer.version());
                return 0;
            case "report":
            case "attach":
                System.err.println("toolwarden: '" + args[0] + "' is not available in this build yet");
                return 2;
            default:
                System.err.println("toolwarden: unknown command '" + args[0] + "'; see --help");
                return 2;
        }
    }

    static String usage() {
        return "Usage: java -jar toolwarden-agent.jar VERB\n"
                + "  --help       this text\n"
                + "  --version    the agent's version\n"
                + "As an agent: java -javaagent:toolwarden-agent.jar[=key=value,...] -jar app.jar\n"
                + "Configuration keys: see README.md (toolwarden.* system properties, TOOLWARDEN_* variables).\n";
    }
}
