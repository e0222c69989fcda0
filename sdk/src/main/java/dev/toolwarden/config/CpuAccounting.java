package dev.toolwarden.config;

import java.util.Locale;

/**
 * Whether calls measure their thread's CPU time ({@code toolwarden.accounting.cpu}): {@code on},
 * {@code off}, or {@code 1/N} to measure one call in N per method. Reading a thread's CPU time
 * costs about half a microsecond, so tools that run in microseconds may want it off or sampled.
 *
 * @param sampleEvery 0 for off, 1 for every call, N for one call in N
 */
public record CpuAccounting(int sampleEvery) {

    static final String EXPECTED = "on, off, or 1/N such as 1/10";

    /** Every call is measured. */
    public static final CpuAccounting ON = new CpuAccounting(1);

    /** No call is measured. */
    public static final CpuAccounting OFF = new CpuAccounting(0);

    /** Checks the component. */
    public CpuAccounting {
        if (sampleEvery < 0) {
            throw new IllegalArgumentException("is negative: expected " + EXPECTED);
        }
    }

    /**
     * @param text {@code on}, {@code off} or {@code 1/N}
     * @return the setting
     */
    public static CpuAccounting parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "on":
            case "true":
                return ON;
            case "off":
            case "false":
                return OFF;
            default:
                if (s.startsWith("1/")) {
                    try {
                        int n = Integer.parseInt(s.substring(2).trim());
                        if (n >= 1) {
                            return new CpuAccounting(n);
                        }
                    } catch (NumberFormatException e) {
                        // falls through to the message below
                    }
                }
                throw new IllegalArgumentException("is not " + EXPECTED);
        }
    }

    @Override
    public String toString() {
        return sampleEvery == 0 ? "off" : sampleEvery == 1 ? "on" : "1/" + sampleEvery;
    }
}
