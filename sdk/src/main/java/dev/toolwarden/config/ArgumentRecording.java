package dev.toolwarden.config;

import java.util.Locale;

/** What {@code toolwarden.Execution} events record of argument values ({@code toolwarden.jfr.arguments}). */
public enum ArgumentRecording {
    /** Nothing: recordings get shared, and prompts hold secrets. */
    NONE,
    /** A short SHA-256 digest of each argument's text: equal arguments can be told apart, values not read. */
    HASH,
    /** Each argument's text, shortened to 256 characters. */
    FULL;

    static ArgumentRecording parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not one of none, hash, full");
        }
    }
}
