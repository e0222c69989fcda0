package dev.toolwarden.cli;

import dev.toolwarden.agent.Installer;
import dev.toolwarden.report.HtmlReport;
import dev.toolwarden.report.JsonReport;
import dev.toolwarden.report.RecordingReader;
import dev.toolwarden.report.Report;
import dev.toolwarden.report.ReportException;
import dev.toolwarden.report.TextReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

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
                return report(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "attach":
                return Attach.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, System.err);
            default:
                System.err.println("toolwarden: unknown command '" + args[0] + "'; see --help");
                return 2;
        }
    }

    /** {@code report FILE.jfr... [--format text|json|html] [--out FILE]} */
    static int report(String[] args) {
        List<Path> files = new ArrayList<>();
        String format = "text";
        Path outFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--format") || a.equals("--out")) {
                if (i + 1 == args.length) {
                    System.err.println("toolwarden: report: " + a + " needs a value; see --help");
                    return 2;
                }
                String v = args[++i];
                if (a.equals("--format")) {
                    format = v;
                } else {
                    outFile = Paths.get(v);
                }
            } else if (a.startsWith("--format=")) {
                format = a.substring("--format=".length());
            } else if (a.startsWith("--out=")) {
                outFile = Paths.get(a.substring("--out=".length()));
            } else if (a.startsWith("-")) {
                System.err.println("toolwarden: report: unknown option " + a + "; see --help");
                return 2;
            } else {
                files.add(Paths.get(a));
            }
        }
        if (files.isEmpty()) {
            System.err.println("toolwarden: report: name at least one recording (FILE.jfr); see --help");
            return 2;
        }
        if (!List.of("text", "json", "html").contains(format)) {
            System.err.println("toolwarden: report: --format " + format + " is not one of text, json, html");
            return 2;
        }
        Report report;
        try {
            report = RecordingReader.read(files);
        } catch (ReportException e) {
            System.err.println("toolwarden: report: " + e.getMessage());
            return 2;
        }
        String text = format.equals("json") ? JsonReport.render(report)
                : format.equals("html") ? HtmlReport.render(report) : TextReport.render(report);
        if (outFile == null) {
            // UTF-8 whatever the JVM's default charset (Java 17 takes it from the locale), as for --out.
            PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                    StandardCharsets.UTF_8);
            out.print(text);
            out.flush();
            return 0;
        }
        try {
            Files.writeString(outFile, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("toolwarden: report: cannot write " + outFile + " (" + e + ")");
            return 2;
        }
        System.err.println("toolwarden: report written to " + outFile);
        return 0;
    }

    static String usage() {
        return "Usage: java -jar toolwarden-agent.jar VERB\n"
                + "  --help       this text\n"
                + "  --version    the agent's version\n"
                + "  report FILE.jfr... [--format text|json|html] [--out FILE]\n"
                + "               per tool: calls, errors, timeouts, cache hit rate, p50/p95/p99/max, CPU,\n"
                + "               allocations; caches, alerts, slowest calls, pools, system. Several\n"
                + "               recordings (of several JVMs) are merged.\n"
                + "  attach PID [key=value,...]\n"
                + "               loads the agent into a running JVM (Java 17+) with these options;\n"
                + "               classes already loaded are woven in the background.\n"
                + "As an agent: java -javaagent:toolwarden-agent.jar[=key=value,...] -jar app.jar\n"
                + "Configuration keys: see README.md (toolwarden.* system properties, TOOLWARDEN_* variables).\n";
    }
}
