package dev.toolwarden;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The one duration format of Toolwarden, used by annotations and configuration alike:
 * {@code 250ms}, {@code 30s}, {@code 10m}, {@code 1h}, {@code 2d}, ISO-8601 ({@code PT30S}), or
 * {@code 0} for "disabled".
 */
public final class Durations {

    /** What a duration may look like, for error messages. */
    public static final String EXPECTED = "a duration such as 250ms, 30s, 10m, 1h, PT30S, or 0";

    private Durations() {
    }

    /**
     * Parses a duration string.
     *
     * @param text the text to parse
     * @return the duration, never negative; {@link Duration#ZERO} for {@code 0}
     * @throws IllegalArgumentException with a one-line message when the text is not a duration
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing duration: expected " + EXPECTED);
        }
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration: expected " + EXPECTED);
        }
        Duration d;
        char first = Character.toUpperCase(s.charAt(0));
        if (first == 'P' || ((first == '-' || first == '+') && s.length() > 1
                && Character.toUpperCase(s.charAt(1)) == 'P')) {
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not " + EXPECTED);
            }
        } else {
            d = parseSimple(s, text);
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("'" + text + "' is negative: expected " + EXPECTED);
        }
        return d;
    }

    private static Duration parseSimple(String s, String original) {
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("'" + original + "' is not " + EXPECTED);
        }
        long amount;
        try {
            amount = Long.parseLong(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + original + "' is too large: expected " + EXPECTED);
        }
        String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
        try {
            switch (unit) {
                case "":
                    if (amount == 0) {
                        return Duration.ZERO;
                    }
                    throw new IllegalArgumentException("'" + original + "' has no unit: expected " + EXPECTED);
                case "ms":
                    return Duration.ofMillis(amount);
                case "s":
                    return Duration.ofSeconds(amount);
                case "m":
                    return Duration.ofMinutes(amount);
                case "h":
                    return Duration.ofHours(amount);
                case "d":
                    return Duration.ofDays(amount);
                default:
                    throw new IllegalArgumentException("'" + original + "' has an unknown unit '" + unit
                            + "': expected " + EXPECTED);
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + original + "' is too large: expected " + EXPECTED);
        }
    }

    /** The longest limit in nanoseconds: about 73 years, so that adding it to {@link System#nanoTime} stays in range. */
    public static final long LONGEST_LIMIT_NANOS = Long.MAX_VALUE / 4;

    /**
     * A configured limit or period in nanoseconds, for arithmetic on {@link System#nanoTime}: durations
     * are accepted however long (a huge one means "never"), and one past {@link #LONGEST_LIMIT_NANOS}
     * is that, which never falls due either.
     *
     * @param d a duration, not negative
     * @return its nanoseconds, at most {@link #LONGEST_LIMIT_NANOS}
     */
    public static long limitNanos(Duration d) {
        return d.compareTo(Duration.ofNanos(LONGEST_LIMIT_NANOS)) >= 0 ? LONGEST_LIMIT_NANOS : d.toNanos();
    }

    /**
     * Formats a duration in the short form, choosing the largest unit that represents it exactly
     * ({@code 1500ms}, {@code 30s}, {@code 10m}); {@link #parse} reads these back. Durations with a
     * part below the millisecond are shown for people, such as {@code 1.500ms}, and are not
     * meant to be parsed.
     *
     * @param d the duration
     * @return the short form
     */
    public static String format(Duration d) {
        if (d == null) {
            return "unknown";
        }
        if (d.isZero()) {
            return "0";
        }
        long s = d.getSeconds();
        int nanos = d.getNano();
        if (nanos % 1_000_000 != 0) {
            // Below millisecond precision: say so in a readable way rather than round. (Not through
            // toNanos(), which overflows past 292 years.)
            return fractionalMillis(s, nanos);
        }
        if (nanos != 0) {
            try {
                return Math.addExact(Math.multiplyExact(s, 1000L), nanos / 1_000_000) + "ms";
            } catch (ArithmeticException e) {
                // Too many milliseconds for a long: the ISO form, which parse reads back too.
                return d.toString();
            }
        }
        if (s % 86400 == 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /**
     * Milliseconds with three decimals, rounded to the microsecond: {@code 303.412ms}. Built by hand
     * rather than with {@code String.format}, which costs microseconds: timeouts format their elapsed
     * time this way, thousands at a time when many calls pass their limit together.
     */
    private static String fractionalMillis(long seconds, int nanos) {
        if (seconds < 0 || seconds > 9_000_000_000_000L) {
            return String.format(Locale.ROOT, "%.3fms", seconds * 1e3 + nanos / 1e6);
        }
        long micros = seconds * 1_000_000L + (nanos + 500) / 1000;
        long fraction = micros % 1000;
        return (micros / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction + "ms";
    }
}
