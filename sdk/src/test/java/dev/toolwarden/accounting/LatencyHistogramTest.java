package dev.toolwarden.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private static final double TOLERANCE = 0.035;
    private static final double[] QUANTILES = {0.0, 0.01, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99, 0.999, 1.0};
    private static final long HOUR = 3_600_000_000_000L;

    /** The value at {@code quantile} by the same rank rule as the histogram: the ceil(q*n)-th smallest. */
    private static long exact(long[] sorted, double quantile) {
        long rank = Math.max(1, (long) Math.ceil(quantile * sorted.length));
        return sorted[(int) rank - 1];
    }

    private static void assertPercentilesClose(long[] values) {
        LatencyHistogram h = new LatencyHistogram();
        for (long v : values) {
            h.record(v);
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(values.length, s.count());
        for (double q : QUANTILES) {
            long expected = exact(sorted, q);
            long actual = s.percentile(q);
            double error = Math.abs(actual - expected) / (double) Math.max(1, expected);
            assertTrue(error <= TOLERANCE, "p" + (q * 100) + ": expected about " + expected + " but was "
                    + actual + " (" + String.format("%.2f%%", error * 100) + " off)");
        }
    }

    private static long[] sample(int n, LongSupplier next) {
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = next.getAsLong();
        }
        return values;
    }

    @Test
    void emptyHistogramHasNoCountAndZeroPercentiles() {
        LatencyHistogram.Snapshot s = new LatencyHistogram().snapshot();
        assertEquals(0, s.count());
        assertEquals(0, s.percentile(0.5));
        assertEquals(0, s.percentile(0.99));
        assertEquals(0, s.percentile(1.0));
    }

    @Test
    void singleValueIsEveryPercentile() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(1_000_000);
        LatencyHistogram.Snapshot s = h.snapshot();
        for (double q : QUANTILES) {
            long p = s.percentile(q);
            assertTrue(Math.abs(p - 1_000_000) <= 1_000_000 * TOLERANCE, "p" + q + " = " + p);
        }
    }

    @Test
    void valuesBelowSixteenNanosecondsAreExact() {
        for (long v = 0; v < 16; v++) {
            LatencyHistogram h = new LatencyHistogram();
            h.record(v);
            assertEquals(v, h.snapshot().percentile(0.5));
        }
    }

    @Test
    void everyValueFromOneNanosecondToHoursIsWithinTolerance() {
        for (long v = 1; v <= 4 * HOUR; v = v + Math.max(1, v / 7)) {
            LatencyHistogram h = new LatencyHistogram();
            h.record(v);
            long p = h.snapshot().percentile(0.5);
            assertTrue(Math.abs(p - v) <= v * TOLERANCE, v + " read back as " + p);
        }
    }

    @Test
    void uniformNanosecondsToASecondArePreciseEnough() {
        Random r = new Random(42);
        assertPercentilesClose(sample(100_000, () -> 1 + (long) (r.nextDouble() * 1_000_000_000L)));
    }

    @Test
    void uniformSmallValuesArePreciseEnough() {
        Random r = new Random(7);
        assertPercentilesClose(sample(10_000, () -> 1 + r.nextInt(1000)));
    }

    @Test
    void logUniformFromOneNanosecondToFourHoursIsPreciseEnough() {
        Random r = new Random(1);
        double max = Math.log(4.0 * HOUR);
        assertPercentilesClose(sample(100_000, () -> Math.max(1, (long) Math.exp(r.nextDouble() * max))));
    }

    @Test
    void skewedFastCallsWithARareSlowTailArePreciseEnough() {
        Random r = new Random(3);
        assertPercentilesClose(sample(100_000, () -> r.nextInt(100) < 98
                ? 200_000 + r.nextInt(800_000)
                : 5_000_000_000L + (long) (r.nextDouble() * 25_000_000_000L)));
    }

    @Test
    void exponentialDistributionIsPreciseEnough() {
        Random r = new Random(11);
        assertPercentilesClose(sample(100_000, () -> 1 + (long) (-Math.log(1 - r.nextDouble()) * 50_000_000)));
    }

    @Test
    void tailPercentileSeparatesTheSlowCalls() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 990; i++) {
            h.record(1_000_000);
        }
        for (int i = 0; i < 10; i++) {
            h.record(10_000_000_000L);
        }
        LatencyHistogram.Snapshot s = h.snapshot();
        assertTrue(Math.abs(s.percentile(0.99) - 1_000_000) <= 1_000_000 * TOLERANCE, "p99 " + s.percentile(0.99));
        assertTrue(Math.abs(s.percentile(0.995) - 10_000_000_000L) <= 10_000_000_000L * TOLERANCE,
                "p99.5 " + s.percentile(0.995));
    }

    @Test
    void hugeValuesClampToTheLastBucket() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(Long.MAX_VALUE);
        h.record(1000 * HOUR);
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(2, s.count());
        long max = s.percentile(1.0);
        assertTrue(max > 4 * HOUR && max < 5 * HOUR, "clamped to " + max);
        assertEquals(max, s.percentile(0.0));
    }

    @Test
    void clampedValuesStillCountTowardsLowerPercentiles() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(100);
        h.record(Long.MAX_VALUE);
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(100, s.percentile(0.5), 100 * TOLERANCE);
    }

    @Test
    void negativeValuesCountAsZero() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(-5);
        h.record(Long.MIN_VALUE);
        assertEquals(2, h.snapshot().count());
        assertEquals(0, h.snapshot().percentile(1.0));
    }

    @Test
    void bucketIndexesNeverLeaveTheArray() {
        assertEquals(0, LatencyHistogram.index(Long.MIN_VALUE));
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.index(Long.MAX_VALUE));
        for (long v = 1; v > 0 && v < Long.MAX_VALUE / 2; v *= 2) {
            int i = LatencyHistogram.index(v);
            assertTrue(i >= 0 && i < LatencyHistogram.BUCKETS, v + " -> " + i);
        }
    }

    @Test
    void bucketIndexGrowsWithTheValue() {
        int previous = -1;
        for (long v = 0; v < 100_000; v++) {
            int i = LatencyHistogram.index(v);
            assertTrue(i >= previous, "index fell at " + v);
            previous = i;
        }
    }

    @Test
    void snapshotIsNotChangedByLaterRecords() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(1000);
        LatencyHistogram.Snapshot s = h.snapshot();
        h.record(1_000_000_000);
        assertEquals(1, s.count());
        assertEquals(2, h.snapshot().count());
    }
}
