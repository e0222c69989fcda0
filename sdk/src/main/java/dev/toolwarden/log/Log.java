package dev.toolwarden.log;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Toolwarden's own log: one line per message on standard error, prefixed {@code [toolwarden]}.
 * The agent cannot use the application's logging framework (it may have none, or load it late),
 * and its messages must be easy to find in any application's output.
 */
public final class Log {

    /** Severity of a message; messages below the configured level are dropped. */
    public enum Level {
        /** Everything, including each woven method. */
        DEBUG,
        /** Start-up and notable events. */
        INFO,
        /** Configuration problems and degraded features. */
        WARN,
        /** Failures inside Toolwarden. */
        ERROR,
        /** Nothing at all. */
        OFF
    }

    private static volatile Level threshold = Level.INFO;
    private static volatile PrintStream out = System.err;
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

    private Log() {
    }

    /** @param level the lowest level that is printed */
    public static void setLevel(Level level) {
        threshold = level;
    }

    /** @return the lowest level that is printed */
    public static Level level() {
        return threshold;
    }

    /** @param stream where lines go from now on (standard error by default) */
    public static void setOutput(PrintStream stream) {
        out = stream;
    }

    /** @return whether debug lines are printed */
    public static boolean isDebug() {
        return threshold == Level.DEBUG;
    }

    /** @param message a debug line */
    public static void debug(String message) {
        print(Level.DEBUG, message);
    }

    /** @param message an info line */
    public static void info(String message) {
        print(Level.INFO, message);
    }

    /** @param message a warning line */
    public static void warn(String message) {
        print(Level.WARN, message);
    }

    /** @param message an error line */
    public static void error(String message) {
        print(Level.ERROR, message);
    }

    /**
     * Prints a warning the first time a given key is seen, and nothing after that.
     *
     * @param key what identifies the situation
     * @param message the line
     * @return whether the line was printed (or would have been, at this level)
     */
    public static boolean warnOnce(String key, String message) {
        if (ONCE.add(key)) {
            warn(message);
            return true;
        }
        return false;
    }

    private static void print(Level level, String message) {
        if (level.compareTo(threshold) >= 0 && threshold != Level.OFF) {
            out.println("[toolwarden] " + level.name().toLowerCase(Locale.ROOT) + ": " + message);
        }
    }

    /**
     * Parses a level name.
     *
     * @param text {@code debug}, {@code info}, {@code warn}, {@code error} or {@code off}
     * @return the level
     * @throws IllegalArgumentException for anything else
     */
    public static Level parseLevel(String text) {
        try {
            return Level.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not one of debug, info, warn, error, off");
        }
    }
}
