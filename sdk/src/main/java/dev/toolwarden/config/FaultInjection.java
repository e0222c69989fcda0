package dev.toolwarden.config;

import java.util.Locale;

/**
 * Failures Toolwarden provokes in itself on purpose ({@code toolwarden.debug.fail}), to prove that
 * they never reach the application. For tests; never set it in production.
 */
public enum FaultInjection {
    /** No failure is injected. */
    NONE,
    /** Every call's accounting fails on entry. */
    ENTER,
    /** Every call's accounting fails on exit. */
    EXIT,
    /** Weaving fails for every class, which is then loaded unchanged. */
    WEAVE,
    /** The woven caches' look-up fails. */
    CACHE,
    /** Every resource sample fails. */
    MONITOR,
    /** Committing an event to the recording fails. */
    JFR;

    static FaultInjection parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not one of none, enter, exit, weave, cache, monitor, jfr");
        }
    }
}
