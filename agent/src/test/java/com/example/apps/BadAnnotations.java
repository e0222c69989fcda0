package com.example.apps;

import dev.toolwarden.annotation.Cached;
import dev.toolwarden.annotation.Fallback;
import dev.toolwarden.annotation.Timeout;
import dev.toolwarden.annotation.Tool;

/** Annotation values that are wrong: each is reported at weave time, and each method still runs. */
public class BadAnnotations {

    @Timeout(soft = "soon", hard = "5 minutes")
    public String badDurations() {
        return "ran";
    }

    @Tool(maxConcurrent = -3)
    public String negativeBound() {
        return "ran";
    }

    @Tool
    @Fallback("missing")
    public String missingFallback(String q) {
        return "ran";
    }

    @Tool
    @Fallback("wrongReturn")
    public String fallbackWithWrongReturn(String q) {
        return "ran";
    }

    int wrongReturn(String q) {
        return 0;
    }

    @Tool
    @Fallback("goodFallback")
    public String fallbackThatFits(String q) {
        return "ran";
    }

    String goodFallback(String q, Throwable why) {
        return "fallback";
    }

    @Cached(ttl = "forever")
    public String badTtl(String q) {
        return "ran";
    }

    public static void main(String[] args) {
        BadAnnotations b = new BadAnnotations();
        Out.result("results", b.badDurations() + b.negativeBound() + b.missingFallback("q")
                + b.fallbackWithWrongReturn("q") + b.fallbackThatFits("q") + b.badTtl("q"));
        Out.statistics();
    }
}
