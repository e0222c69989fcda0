package dev.toolwarden.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts failures inside Toolwarden that were kept from the application, and logs each kind once.
 * A kind is the place it happened plus the exception's class, so a failure on every call prints
 * one line, not one per call, while a different failure still gets its own line.
 */
public final class InternalErrors {

    private final LongAdder total = new LongAdder();
    private final ConcurrentMap<String, AtomicLong> byKind = new ConcurrentHashMap<>();

    /**
     * Records a failure.
     *
     * @param where what Toolwarden was doing, such as {@code "accounting exit"}
     * @param error what was thrown
     */
    public void record(String where, Throwable error) {
        total.increment();
        String kind = where + ": " + error.getClass().getName();
        AtomicLong count = byKind.get(kind);
        if (count == null) {
            AtomicLong fresh = new AtomicLong();
            count = byKind.putIfAbsent(kind, fresh);
            if (count == null) {
                count = fresh;
                Log.error("internal error in " + where + " (kept from the application; logged once): "
                        + describe(error));
            }
        }
        count.incrementAndGet();
    }

    /** @return failures recorded so far */
    public long count() {
        return total.sum();
    }

    /** @return how many different kinds of failure were recorded */
    public int kinds() {
        return byKind.size();
    }

    private static String describe(Throwable error) {
        StringBuilder sb = new StringBuilder(error.toString());
        StackTraceElement[] trace = error.getStackTrace();
        if (trace.length > 0) {
            sb.append(" at ").append(trace[0]);
        }
        return sb.toString();
    }
}
