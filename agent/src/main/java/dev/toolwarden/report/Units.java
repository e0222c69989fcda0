package dev.toolwarden.report;

import java.util.Locale;

/** How the report prints durations, sizes and rates: one way, for every format meant for people. */
public final class Units {

    private Units() {
    }

    /**
     * @param nanos a duration in nanoseconds, or a negative value for "unknown"
     * @return three significant digits in ns, µs, ms or s ({@code 850 ns}, {@code 12.3 µs},
     *     {@code 4.56 ms}, {@code 2.10 s}), or {@code n/a}
     */
    public static String duration(long nanos) {
        if (nanos < 0) {
            return "n/a";
        }
        return scaled(nanos, 1000, "ns", "\u00b5s", "ms", "s");
    }

    /**
     * @param bytes a size, or a negative value for "unknown"
     * @return three significant digits in B, KB, MB, GB or TB (powers of 1024), or {@code n/a}
     */
    public static String bytes(long bytes) {
        if (bytes < 0) {
            return "n/a";
        }
        return scaled(bytes, 1024, "B", "KB", "MB", "GB", "TB");
    }

    /**
     * @param fraction a rate from 0 to 1, or a negative value for "unknown"
     * @return {@code 42.0%}, or {@code n/a}
     */
    public static String percent(double fraction) {
        return fraction < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    private static String scaled(long value, double base, String... units) {
        if (value < base) {
            return value + " " + units[0];
        }
        double scaled = value;
        int unit = 0;
        // Move up while the value would print as 1000 or more; 999.7 rounds to "1000", hence 999.5.
        while (unit < units.length - 1 && scaled >= 999.5) {
            scaled /= base;
            unit++;
        }
        String digits = scaled < 9.995 ? "%.2f" : scaled < 99.95 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, digits, scaled) + " " + units[unit];
    }
}
