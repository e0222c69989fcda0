package dev.toolwarden.accounting;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free log-linear histogram of durations in nanoseconds: exact below 16 ns, then 16
 * buckets per power of two, so a percentile read from it is within about 3% of the true value.
 * Recording is one atomic increment; values above about 4.9 hours count in the last bucket.
 */
public final class LatencyHistogram {

    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_EXPONENT = 43;
    private static final long MAX_VALUE = (1L << (MAX_EXPONENT + 1)) - 1;
    static final int BUCKETS = (MAX_EXPONENT - SUB_BITS + 1) * SUB + SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    /** @param nanos a duration; negative values count as 0 */
    public void record(long nanos) {
        counts.incrementAndGet(index(nanos));
    }

    static int index(long nanos) {
        long v = nanos < 0 ? 0 : Math.min(nanos, MAX_VALUE);
        if (v < SUB) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (exponent - SUB_BITS)) & (SUB - 1);
        return (exponent - SUB_BITS + 1) * SUB + sub;
    }

    /** The middle of bucket {@code index}, the value it stands for. */
    static long valueOf(int index) {
        if (index < SUB) {
            return index;
        }
        int exponent = index / SUB + SUB_BITS - 1;
        int sub = index % SUB;
        long width = 1L << (exponent - SUB_BITS);
        return ((long) (SUB + sub) << (exponent - SUB_BITS)) + width / 2;
    }

    /** The smallest value that falls in bucket {@code index}. */
    static long lowerBound(int index) {
        if (index < SUB) {
            return index;
        }
        int exponent = index / SUB + SUB_BITS - 1;
        int sub = index % SUB;
        return (long) (SUB + sub) << (exponent - SUB_BITS);
    }

    /**
     * Values in {@code [from, to)}.
     *
     * @param from lower bound, in nanoseconds
     * @param to upper bound, in nanoseconds
     * @param count values
     */
    public record Bucket(long from, long to, long count) {
    }

    /** @return a consistent-enough copy for computing percentiles */
    public Snapshot snapshot() {
        long[] copy = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
            total += copy[i];
        }
        return new Snapshot(copy, total);
    }

    /** An immutable copy of the counts. */
    public static final class Snapshot {
        private final long[] counts;
        private final long total;

        Snapshot(long[] counts, long total) {
            this.counts = counts;
            this.total = total;
        }

        /** @return values recorded */
        public long count() {
            return total;
        }

        /** @return the buckets that hold values, in order, each with its bounds in nanoseconds */
        public java.util.List<Bucket> nonEmptyBuckets() {
            java.util.List<Bucket> out = new java.util.ArrayList<>();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] > 0) {
                    out.add(new Bucket(lowerBound(i), i + 1 < counts.length ? lowerBound(i + 1) : Long.MAX_VALUE,
                            counts[i]));
                }
            }
            return out;
        }

        /**
         * @param quantile between 0 and 1, such as 0.95
         * @return the value at that quantile in nanoseconds, or 0 when nothing was recorded
         */
        public long percentile(double quantile) {
            if (total == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(quantile * total));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return valueOf(i);
                }
            }
            return valueOf(counts.length - 1);
        }

        /**
         * The percentile, never above the largest value actually recorded: a bucket's middle can lie
         * above every value in it, and a p99 above the max would be nonsense.
         *
         * @param quantile between 0 and 1
         * @param max the largest value recorded
         * @return the value at that quantile in nanoseconds, at most {@code max}
         */
        public long percentile(double quantile, long max) {
            return Math.min(percentile(quantile), max);
        }
    }
}
