package dev.toolwarden.report;

import dev.toolwarden.report.Report.Alert;
import dev.toolwarden.report.Report.CacheSummary;
import dev.toolwarden.report.Report.LatencyBucket;
import dev.toolwarden.report.Report.PoolSummary;
import dev.toolwarden.report.Report.ResourceSample;
import dev.toolwarden.report.Report.SlowCall;
import dev.toolwarden.report.Report.SystemSummary;
import dev.toolwarden.report.Report.TimelineBucket;
import dev.toolwarden.report.Report.ToolSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the HTML report of a made-up but plausible run to a file, for a person to look at:
 * {@code java -cp agent/target/test-classes:agent/target/classes dev.toolwarden.report.RenderSample /tmp/sample.html}.
 * The same report is {@link HtmlReportTest}'s full fixture. The data are computed, not random, so
 * the page is the same every time.
 */
public final class RenderSample {

    static final Instant START = Instant.parse("2024-05-01T12:00:00Z");
    static final String SEARCH = "searchDocuments<web>&co";
    static final String CHAT = "chat \"assistant\"";
    static final String STACK = "java.base/java.lang.Thread.sleep(Native Method)\n"
            + "\tat com.acme.Search.<init>(Search.java:42)\n"
            + "\tat com.acme.Tools.search(Tools.java:17) & friends\n";

    private RenderSample() {
    }

    /**
     * @param args the file to write
     * @throws IOException when it cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RenderSample FILE.html");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Files.writeString(out, HtmlReport.render(sample()), StandardCharsets.UTF_8);
        System.out.println("wrote " + out.toAbsolutePath());
    }

    /** @return a report with every part filled in, and strings that need escaping */
    static Report sample() {
        List<ToolSummary> tools = List.of(
                new ToolSummary(SEARCH, "TOOL", 12_000, 45, 12, 3, 5, 3, 4_200, 1_200_000, 8_000_000, 25_000_000,
                        1_800_000_000L, 2_000_000, 12_000_000_000L, 12_000, 6_000_000_000L, 12_000,
                        bell(20.2, 1.6, 2_400)),
                new ToolSummary("lookupWeather", "TOOL", 3_000, 0, 0, 0, 0, 0, 1_900, 30_000, 60_000_000, 90_000_000,
                        140_000_000, 22_000_000, 300_000_000, 3_000, 90_000_000, 3_000,
                        merge(bell(14.3, 0.8, 900), bell(25.6, 0.9, 300))),
                new ToolSummary(CHAT, "CHAT", 900, 7, 30, 2, 0, 2, 0, 800_000_000, 2_600_000_000L, 4_100_000_000L,
                        9_000_000_000L, 950_000_000, 90_000_000_000L, 900, 2_000_000_000L, 900,
                        bell(29.6, 1.1, 160)),
                new ToolSummary("o'neil's idle tool", "TOOL", 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, 0, 0, 0, 0,
                        List.of()));

        List<TimelineBucket> timeline = new ArrayList<>();
        List<ResourceSample> resources = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Instant at = START.plusSeconds(10L * i);
            boolean storm = i >= 35 && i <= 38;
            long calls = Math.round(260 + 90 * Math.sin(i / 6.0)) + (storm ? 140 : 0);
            long errors = storm ? 9 : (i % 7 == 3 ? 1 : 0);
            long timeouts = storm ? 4 : 0;
            timeline.add(new TimelineBucket(at, 10, calls, errors, timeouts));

            boolean gap = i >= 20 && i <= 22; // the monitor missed a few samples
            double system = storm ? 0.91 + 0.01 * (i - 35) : 0.35 + 0.2 * Math.sin(i / 8.0);
            long heap = (200L << 20) + (long) ((i % 20) * (26L << 20));
            resources.add(new ResourceSample(at, gap ? -1 : system, gap ? -1 : system * 0.62, heap,
                    12L << 30));
        }

        List<Alert> alerts = List.of(
                new Alert(START.plusSeconds(192), "TOOL_TIME", "SOFT", 31_000_000_000.0, 30_000_000_000.0, SEARCH,
                        false),
                new Alert(START.plusSeconds(350), "CPU", "SOFT", 72.5, 70, "", false),
                new Alert(START.plusSeconds(352), "CPU", "HARD", 91.3, 85, "", false),
                new Alert(START.plusSeconds(392), "CPU", "HARD", 61.0, 85, "", true),
                new Alert(START.plusSeconds(400), "CPU", "SOFT", 55.25, 70, "", true));

        List<CacheSummary> caches = List.of(
                new CacheSummary("tool_performance", 40, 950, 50, 0),
                new CacheSummary("response_cache", 1_000, 4_200, 7_800, 3_100),
                new CacheSummary("query_analysis", 0, 0, 0, 0),
                new CacheSummary("a_really_long_category_name_that_goes_on_and_on", 9, 10, 90, 0));

        List<SlowCall> slowest = List.of(
                new SlowCall(START.plusSeconds(361), CHAT, 9_000_000_000L, "TIMEOUT", "conv-<42>", "pool-1-thread-3",
                        STACK),
                new SlowCall(START.plusSeconds(362), CHAT, 7_400_000_000L, "SUCCESS", "conv-7", "pool-1-thread-1",
                        null),
                new SlowCall(START.plusSeconds(192), SEARCH, 1_800_000_000L, "ERROR", null, "main", STACK),
                new SlowCall(START.plusSeconds(12), "lookupWeather", 140_000_000, "FALLBACK", null, "worker-2", null));

        List<PoolSummary> pools = List.of(
                new PoolSummary("HikariPool-1", 10, 10, 4, 600),
                new PoolSummary("reports", 20, 6, 0, 600));

        SystemSummary system = new SystemSummary(0.94, 0.58, 15_200_000_000L, 17_179_869_184L, 694L << 20,
                1L << 30, 600);

        return new Report(List.of("/var/recordings/app-1.jfr", "/var/recordings/app-2 & co.jfr"), START,
                START.plusSeconds(600), 184_233, 52_410, tools, caches, alerts, slowest, pools, system, timeline,
                resources);
    }

    /**
     * A bell of calls over power-of-two buckets.
     *
     * @param centre log2 of the typical duration in nanoseconds
     * @param width the spread, in buckets
     * @param peak calls in the fullest bucket
     */
    static List<LatencyBucket> bell(double centre, double width, long peak) {
        List<LatencyBucket> buckets = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            double z = (k + 0.5 - centre) / width;
            long count = Math.round(peak * Math.exp(-z * z / 2));
            if (count > 0) {
                buckets.add(new LatencyBucket(1L << k, 1L << (k + 1), count));
            }
        }
        return buckets;
    }

    private static List<LatencyBucket> merge(List<LatencyBucket> a, List<LatencyBucket> b) {
        long[] counts = new long[41];
        for (LatencyBucket bucket : a) {
            counts[Long.numberOfTrailingZeros(bucket.from())] += bucket.count();
        }
        for (LatencyBucket bucket : b) {
            counts[Long.numberOfTrailingZeros(bucket.from())] += bucket.count();
        }
        List<LatencyBucket> merged = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            if (counts[k] > 0) {
                merged.add(new LatencyBucket(1L << k, 1L << (k + 1), counts[k]));
            }
        }
        return merged;
    }
}
