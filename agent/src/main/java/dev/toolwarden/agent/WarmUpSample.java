package dev.toolwarden.agent;

/**
 * Woven once, on a background thread at start-up, and thrown away: it loads and compiles the
 * weaver's code before the application's first tool class needs it. Never loaded by the
 * application, never registered with the runtime.
 */
final class WarmUpSample {

    private WarmUpSample() {
    }

    static String plain(String text, long count) {
        return text + count;
    }

    static String guarded(String text, double ratio) {
        return text + ratio;
    }
}
