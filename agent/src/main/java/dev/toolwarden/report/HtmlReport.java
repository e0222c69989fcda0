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
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongToDoubleFunction;
import java.util.function.ToDoubleFunction;

/**
 * The report as one self-contained HTML page: tables and charts, the charts drawn here as inline
 * SVG, so that the page needs no network, no script and no file beside it, and can be mailed,
 * attached to a ticket or archived as it is.
 *
 * <p>The page is also well-formed XML (every element closed, void elements written {@code <br/>}
 * style, no named entities other than XML's own) and pure ASCII (every other character written as
 * a numeric reference), so that it reads the same whatever charset the file is saved or served
 * with, and tests can parse it. It holds no current time, so the same report renders to the same
 * page.
 */
public final class HtmlReport {

    /** The busiest tools get a latency chart each; more would turn the page into a wall of charts. */
    static final int MAX_LATENCY_CHARTS = 8;

    /** The one URI the page contains: a namespace name, never fetched. */
    static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";

    // A small palette, readable on white and in grey-scale print: one hue per meaning, used the same
    // way in every chart (blue for calls and system CPU, red for errors and hard limits, ...).
    private static final String BLUE = "#2f6db5";
    private static final String TEAL = "#159a8c";
    private static final String PURPLE = "#7d4fb0";
    private static final String RED = "#c0392b";
    private static final String ORANGE = "#e08a1e";
    private static final String GREY = "#8a949e";
    private static final String INK = "#1f2933";
    private static final String MUTED = "#52606d";
    private static final String GRID = "#e4e7eb";

    /**
     * How wide a character of the charts' 11px sans-serif text is, to lay out labels: on the generous
     * side (wide fonts such as DejaVu Sans), since a label cut at the chart's edge is worse than space.
     */
    private static final double CHAR_WIDTH = 7;

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK_MILLIS =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK_MINUTES =
            DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_MINUTES =
            DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Steps between time ticks, in milliseconds: round numbers a person reads on a clock. */
    private static final long[] TIME_STEPS = {100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000,
        120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
        86_400_000, 172_800_000, 604_800_000};

    private static final String CSS = """
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
                   color: #1f2933; background: #fff; margin: 2rem auto; max-width: 1180px; padding: 0 1.5rem; }
            h1 { font-size: 1.6rem; margin: 0 0 .4rem; }
            h2 { font-size: 1.2rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid #d9dee3; }
            h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
            nav { margin: .8rem 0; color: #52606d; }
            nav a { color: #2f6db5; margin-right: .9rem; text-decoration: none; }
            ul.sources { margin: .2rem 0 .6rem; padding-left: 1.2rem; }
            .meta { color: #52606d; }
            .notice { border-left: 4px solid #e08a1e; background: #fff8ef; padding: .7rem 1rem; margin: 1.2rem 0; }
            .nodata { color: #52606d; font-style: italic; }
            .scroll { overflow-x: auto; }
            table { border-collapse: collapse; margin: .3rem 0 1rem; }
            th, td { padding: .3rem .6rem; border-bottom: 1px solid #e4e7eb; text-align: left; vertical-align: top; }
            th { background: #f5f7fa; font-weight: 600; white-space: nowrap; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            td.bad { color: #c0392b; font-weight: 600; }
            tr.stack td { border-bottom: 1px solid #e4e7eb; padding-top: 0; }
            code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
            pre { background: #f5f7fa; padding: .5rem .7rem; margin: .3rem 0; overflow-x: auto; max-width: 1100px; }
            summary { cursor: pointer; color: #52606d; }
            .charts { display: flex; flex-wrap: wrap; gap: .6rem 1.6rem; }
            figure { margin: 0 0 1rem; }
            figcaption { margin-bottom: .2rem; }
            svg { max-width: 100%; height: auto; }
            @media print {
              body { margin: 0; max-width: none; padding: 0; font-size: 11px; }
              nav { display: none; }
              h2 { break-after: avoid; }
              figure, tr { break-inside: avoid; }
              .scroll { overflow: visible; }
            }
            """;

    private HtmlReport() {
    }

    /**
     * Renders a report as one self-contained HTML5 page: a summary of the recordings, the tools
     * table, charts (latency distribution per tool, calls over time, resources and alerts over
     * time, cache hit rate per category) as inline SVG, then the cache, alert, slowest-call, pool
     * and system tables. Recordings without Toolwarden events get a page that says so and how to
     * record some, and nothing else.
     *
     * <p>The page loads nothing from the network and runs no script. Every string taken from the
     * report is escaped. The same report always renders to the same page.
     *
     * @param report what the recordings held
     * @return the page, to be written to a file as it is (it is ASCII, so any charset will do)
     */
    public static String render(Report report) {
        Objects.requireNonNull(report, "report");
        Html h = new Html();
        h.raw("<!DOCTYPE html>").nl();
        h.open("html", "lang", "en").nl();
        h.open("head").nl();
        h.empty("meta", "charset", "utf-8").nl();
        h.empty("meta", "name", "viewport", "content", "width=device-width, initial-scale=1").nl();
        h.element("title", "Toolwarden report").nl();
        h.open("style").nl().raw(CSS).close("style").nl();
        h.close("head").nl();
        h.open("body").nl();

        summary(h, report);
        if (!report.hasToolwardenEvents()) {
            noToolwardenEvents(h, report);
        } else {
            contents(h);
            toolsSection(h, list(report.tools()));
            chartsSection(h, report);
            cachesSection(h, list(report.caches()));
            alertsSection(h, list(report.alerts()));
            slowestSection(h, list(report.slowest()));
            poolsSection(h, list(report.pools()));
            systemSection(h, report.system());
        }

        h.close("body").nl();
        h.close("html").nl();
        return h.toString();
    }

    // ------------------------------------------------------------------ summary

    private static void summary(Html h, Report report) {
        h.element("h1", "Toolwarden report").nl();
        List<String> sources = list(report.sources());
        h.open("p", "class", "meta").text(sources.size() == 1 ? "Recording:" : "Recordings (" + sources.size() + "):")
                .close("p").nl();
        h.open("ul", "class", "sources").nl();
        for (String source : sources) {
            h.open("li").element("code", source).close("li").nl();
        }
        h.close("ul").nl();

        h.open("p").nl();
        if (report.start() == null || report.end() == null) {
            h.text("No events, so no time span.");
        } else {
            String start = isoTime(report.start());
            String end = isoTime(report.end());
            h.text("From ").element("time", start, "datetime", start).text(" to ")
                    .element("time", end, "datetime", end)
                    .text(" (" + elapsed(Duration.between(report.start(), report.end())) + ").");
        }
        h.empty("br").nl();
        h.text(count(report.events()) + (report.events() == 1 ? " event" : " events") + " read, "
                + count(report.toolwardenEvents()) + " of them Toolwarden events.").nl();
        h.close("p").nl();
    }

    private static void noToolwardenEvents(Html h, Report report) {
        h.open("div", "class", "notice").nl();
        h.open("p").open("strong").text("These recordings contain no Toolwarden events")
                .close("strong").text(" (" + count(report.events()) + " other "
                        + (report.events() == 1 ? "event" : "events") + ").").close("p").nl();
        h.open("p").text("Record a run with the agent attached, for example ")
                .element("code", "java -javaagent:toolwarden-agent.jar=jfr.record=app.jfr -jar app.jar")
                .text(", then run the report on ").element("code", "app.jfr").text(".").close("p").nl();
        h.close("div").nl();
    }

    private static void contents(Html h) {
        h.open("nav").nl();
        String[][] links = {{"#tools", "Tools"}, {"#charts", "Charts"}, {"#caches", "Caches"}, {"#alerts", "Alerts"},
            {"#slowest", "Slowest calls"}, {"#pools", "Pools"}, {"#system", "System"}};
        for (String[] link : links) {
            h.element("a", link[1], "href", link[0]).nl();
        }
        h.close("nav").nl();
    }

    // ------------------------------------------------------------------ tables

    private static void toolsSection(Html h, List<ToolSummary> tools) {
        h.element("h2", "Tools and chat handlers", "id", "tools").nl();
        if (tools.isEmpty()) {
            noData(h, "No tool or chat handler calls in these recordings.");
            return;
        }
        Table table = new Table(Col.text("Name"), Col.text("Kind"), Col.num("Calls"), Col.num("Errors"),
                Col.num("Soft timeouts"), Col.num("Hard timeouts"), Col.num("Rejected"), Col.num("Fallbacks"),
                Col.num("Cache hit rate"), Col.num("p50"), Col.num("p95"), Col.num("p99"), Col.num("Max"),
                Col.num("Mean CPU"), Col.num("Mean alloc."));
        table.start(h);
        for (ToolSummary t : tools) {
            table.row(h, Cell.of(t.name()), Cell.of(t.kind()), Cell.of(count(t.calls())),
                    Cell.flagged(count(t.errors()), t.errors() > 0), Cell.of(count(t.softTimeouts())),
                    Cell.flagged(count(t.hardTimeouts()), t.hardTimeouts() > 0), Cell.of(count(t.rejected())),
                    Cell.of(count(t.fallbacks())), Cell.of(t.calls() == 0 ? "n/a" : Units.percent(t.cacheHitRate())),
                    Cell.of(Units.duration(t.p50())), Cell.of(Units.duration(t.p95())), Cell.of(Units.duration(t.p99())),
                    Cell.of(Units.duration(t.max())), Cell.of(Units.duration(t.meanCpu())), Cell.of(Units.bytes(t.meanAllocated())));
        }
        table.end(h);
    }

    private static void cachesSection(Html h, List<CacheSummary> caches) {
        h.element("h2", "Caches", "id", "caches").nl();
        if (caches.isEmpty()) {
            noData(h, "No cache statistics in these recordings.");
            return;
        }
        Table table = new Table(Col.text("Category"), Col.num("Entries"), Col.num("Hits"), Col.num("Misses"),
                Col.num("Hit rate"), Col.num("Evictions"));
        table.start(h);
        for (CacheSummary c : caches) {
            table.row(h, Cell.of(c.category()), Cell.of(knownCount(c.size())), Cell.of(knownCount(c.hits())),
                    Cell.of(knownCount(c.misses())), Cell.of(c.hits() < 0 || c.misses() < 0 || c.hits() + c.misses() == 0
                            ? "n/a" : Units.percent(c.hitRate())),
                    Cell.of(knownCount(c.evictions())));
        }
        table.end(h);
    }

    private static void alertsSection(Html h, List<Alert> alerts) {
        h.element("h2", "Alerts", "id", "alerts").nl();
        if (alerts.isEmpty()) {
            noData(h, "No resource alerts in these recordings.");
            return;
        }
        Table table = new Table(Col.text("Time (UTC)"), Col.text("Resource"), Col.text("Level"), Col.text("State"),
                Col.num("Value"), Col.num("Threshold"), Col.text("Subject"));
        table.start(h);
        for (Alert a : inTimeOrder(alerts)) {
            table.row(h, Cell.of(isoTime(a.time())), Cell.of(a.resource()),
                    Cell.flagged(a.level(), "HARD".equals(a.level()) && !a.cleared()),
                    Cell.of(a.cleared() ? "cleared" : "raised"), Cell.of(number(a.value())),
                    Cell.of(number(a.threshold())), Cell.of(a.subject()));
        }
        table.end(h);
    }

    private static void slowestSection(Html h, List<SlowCall> slowest) {
        h.element("h2", "Slowest calls", "id", "slowest").nl();
        if (slowest.isEmpty()) {
            noData(h, "No calls in these recordings.");
            return;
        }
        Table table = new Table(Col.num("#"), Col.text("Started (UTC)"), Col.text("Name"), Col.num("Duration"),
                Col.text("Outcome"), Col.text("Conversation"), Col.text("Thread"));
        table.start(h);
        int rank = 0;
        for (SlowCall c : slowest) {
            rank++;
            table.row(h, Cell.of(Integer.toString(rank)), Cell.of(isoTime(c.time())), Cell.of(c.name()),
                    Cell.of(Units.duration(c.duration())),
                    Cell.flagged(c.outcome(), c.outcome() != null && !"SUCCESS".equals(c.outcome())),
                    Cell.of(c.conversationId() == null ? "" : c.conversationId()), Cell.of(c.thread()));
            // The stack goes on a row of its own, full width: in a cell it would stretch the table.
            if (c.stack() != null && !c.stack().isBlank()) {
                h.open("tr", "class", "stack").open("td").close("td")
                        .open("td", "colspan", Integer.toString(table.columns() - 1)).open("details")
                        .element("summary", "Stack at the soft limit").element("pre", c.stack())
                        .close("details").close("td").close("tr").nl();
            }
        }
        table.end(h);
    }

    private static void poolsSection(Html h, List<PoolSummary> pools) {
        h.element("h2", "Connection pools", "id", "pools").nl();
        if (pools.isEmpty()) {
            noData(h, "No connection pools in these recordings.");
            return;
        }
        Table table = new Table(Col.text("Pool"), Col.num("Max"), Col.num("Peak active"), Col.num("Peak waiting"),
                Col.num("Peak utilisation"), Col.num("Samples"));
        table.start(h);
        for (PoolSummary p : pools) {
            table.row(h, Cell.of(p.pool()), Cell.of(p.max() <= 0 ? "n/a" : count(p.max())),
                    Cell.of(count(p.peakActive())), Cell.flagged(count(p.peakWaiting()), p.peakWaiting() > 0),
                    Cell.flagged(p.max() <= 0 ? "n/a" : Units.percent(p.peakUtilisation()), p.peakUtilisation() >= 0.9),
                    Cell.of(count(p.samples())));
        }
        table.end(h);
    }

    private static void systemSection(Html h, SystemSummary s) {
        h.element("h2", "System", "id", "system").nl();
        if (s == null) {
            noData(h, "No system resource samples in these recordings.");
            return;
        }
        Table table = new Table(Col.text(""), Col.num("Peak"));
        table.start(h);
        table.row(h, Cell.of("System CPU"), Cell.of(load(s.peakSystemCpu())));
        table.row(h, Cell.of("Process CPU"), Cell.of(load(s.peakProcessCpu())));
        table.row(h, Cell.of("System memory used"), Cell.of(ofTotal(s.peakMemoryUsed(), s.memoryTotal())));
        table.row(h, Cell.of("Heap used"), Cell.of(ofTotal(s.peakHeapUsed(), s.heapMax())));
        table.row(h, Cell.of("Samples"), Cell.of(count(s.samples())));
        table.end(h);
    }

    private static String ofTotal(long used, long total) {
        if (used < 0) {
            return "n/a";
        }
        if (total <= 0) {
            return Units.bytes(used);
        }
        return Units.bytes(used) + " of " + Units.bytes(total) + " (" + Units.percent((double) used / total) + ")";
    }

    // ------------------------------------------------------------------ charts

    private static void chartsSection(Html h, Report report) {
        h.element("h2", "Charts", "id", "charts").nl();

        h.element("h3", "Latency distribution").nl();
        latencyCharts(h, list(report.tools()));

        h.element("h3", "Calls, errors and timeouts over time").nl();
        timelineChart(h, list(report.timeline()));

        h.element("h3", "Resources and alerts over time").nl();
        resourcesChart(h, list(report.resources()), list(report.alerts()), report.system());

        h.element("h3", "Cache hit rate per category").nl();
        cacheChart(h, list(report.caches()));
    }

    // --- latency: one small histogram per tool, log-scaled duration axis

    private static void latencyCharts(Html h, List<ToolSummary> tools) {
        if (tools.isEmpty()) {
            noData(h, "No tool calls in these recordings.");
            return;
        }
        // The model lists tools busiest first already; sorting again (stably) keeps this true for
        // any reader, and the cap keeps the page readable for a fleet with hundreds of tools.
        List<ToolSummary> busiest = tools.stream()
                .sorted(Comparator.comparingLong(ToolSummary::calls).reversed())
                .limit(MAX_LATENCY_CHARTS)
                .toList();
        if (tools.size() > busiest.size()) {
            h.open("p", "class", "meta").text("The " + busiest.size() + " busiest of " + tools.size() + " tools.")
                    .close("p").nl();
        }
        h.open("div", "class", "charts").nl();
        for (ToolSummary tool : busiest) {
            h.open("figure").nl();
            h.open("figcaption").element("strong", tool.name())
                    .text(" ").element("span", tool.kind() + ", " + count(tool.calls())
                            + (tool.calls() == 1 ? " call" : " calls"), "class", "meta")
                    .close("figcaption").nl();
            latencyChart(h, tool);
            h.close("figure").nl();
        }
        h.close("div").nl();
    }

    private static void latencyChart(Html h, ToolSummary tool) {
        List<LatencyBucket> buckets = list(tool.latency()).stream().filter(b -> b.count() > 0).toList();
        if (buckets.isEmpty()) {
            noData(h, "No latency distribution for this tool.");
            return;
        }
        // Durations span orders of magnitude (a cache hit in microseconds, a model call in seconds),
        // hence a log-scaled axis, in decades of nanoseconds. Durations below 1 ns count as 1 ns.
        double lo = Double.MAX_VALUE;
        double hi = 0;
        long most = 0;
        for (LatencyBucket b : buckets) {
            lo = Math.min(lo, Math.log10(Math.max(1, b.from())));
            hi = Math.max(hi, Math.log10(Math.max(Math.max(1, b.from()) + 1, b.to())));
            most = Math.max(most, b.count());
        }
        // At least one decade wide, so that there are ticks to read and a lone bucket is not a wall.
        if (hi - lo < 1) {
            double middle = (lo + hi) / 2;
            lo = Math.max(0, middle - 0.5);
            hi = lo + 1;
        }
        final double from = lo;
        final double span = hi - lo;

        int width = 360;
        int height = 200;
        Plot p = new Plot(50, 30, width - 14, height - 40);
        DoubleUnaryOperator x = ns -> p.left() + (Math.log10(Math.max(1, ns)) - from) / span * p.width();
        Ticks yTicks = Ticks.counts(most, 4);
        DoubleUnaryOperator y = v -> p.bottom() - v / yTicks.top() * p.height();

        Svg s = new Svg(h, width, height, "Latency distribution of " + tool.name());
        countGrid(s, p, yTicks, y);
        for (long tick : logTicks(lo, hi)) {
            double tx = x.applyAsDouble(tick);
            s.line(tx, p.top(), tx, p.bottom(), GRID, 1, null);
            s.line(tx, p.bottom(), tx, p.bottom() + 4, MUTED, 1, null);
            s.text(tx, p.bottom() + 15, "middle", MUTED, trimZeros(Units.duration(tick)));
        }
        for (LatencyBucket b : buckets) {
            double x0 = x.applyAsDouble(b.from());
            double x1 = x.applyAsDouble(Math.max(b.to(), Math.max(1, b.from()) + 1));
            // A pixel of white between neighbouring bars, unless that would swallow the bar.
            double barWidth = x1 - x0 > 3 ? x1 - x0 - 1 : Math.max(1, x1 - x0);
            double top = y.applyAsDouble(b.count());
            s.rect(x0, top, barWidth, p.bottom() - top, BLUE,
                    Units.duration(b.from()) + " \u2013 " + Units.duration(b.to()) + ": " + count(b.count())
                            + (b.count() == 1 ? " call" : " calls"));
        }
        // Percentile markers: where p50/p95/p99 fall on the distribution.
        String[][] markers = {{"p50", INK}, {"p95", ORANGE}, {"p99", RED}};
        long[] values = {tool.p50(), tool.p95(), tool.p99()};
        List<Legend> legend = new ArrayList<>();
        legend.add(Legend.box(BLUE, "calls"));
        for (int i = 0; i < markers.length; i++) {
            if (values[i] <= 0) {
                continue;
            }
            double mx = x.applyAsDouble(values[i]);
            if (mx < p.left() - 0.5 || mx > p.right() + 0.5) {
                continue;
            }
            s.line(mx, p.top(), mx, p.bottom(), markers[i][1], 1.5, "4 3",
                    markers[i][0] + " " + Units.duration(values[i]));
            legend.add(Legend.dashed(markers[i][1], markers[i][0]));
        }
        s.line(p.left(), p.bottom(), p.right(), p.bottom(), MUTED, 1, null);
        s.text(p.left() + p.width() / 2, height - 6, "middle", MUTED, "duration (log scale)");
        s.verticalText(12, p.top() + p.height() / 2, MUTED, "calls");
        legend(s, p.left(), 14, legend);
        s.end();
    }

    /**
     * Ticks for a log10 axis from {@code lo} to {@code hi}: 1-2-5 steps on a narrow axis, 1-3 on a
     * middling one, decades on a wide one, every other decade on a very wide one; about four to
     * seven labels on a small chart, so that they do not collide.
     */
    static List<Long> logTicks(double lo, double hi) {
        int first = (int) Math.floor(lo);
        int last = Math.min(18, (int) Math.ceil(hi));
        double decades = hi - lo;
        int[] mantissas = decades <= 1.5 ? new int[] {1, 2, 5} : decades <= 3 ? new int[] {1, 3} : new int[] {1};
        int every = decades > 6 ? 2 : 1;
        List<Long> ticks = new ArrayList<>();
        for (int e = first; e <= last; e++) {
            if (e % every != 0) {
                continue;
            }
            long power = pow10(e);
            for (int m : mantissas) {
                if (power > Long.MAX_VALUE / m) {
                    continue;
                }
                long tick = power * m;
                double log = Math.log10(tick);
                if (log >= lo - 1e-9 && log <= hi + 1e-9) {
                    ticks.add(tick);
                }
            }
        }
        return ticks;
    }

    private static long pow10(int exponent) {
        long value = 1;
        for (int i = 0; i < exponent; i++) {
            value *= 10;
        }
        return value;
    }

    // --- calls over time: stacked bars per timeline bucket

    private static void timelineChart(Html h, List<TimelineBucket> timeline) {
        List<TimelineBucket> buckets = timeline.stream().filter(b -> b.start() != null)
                .sorted(Comparator.comparing(TimelineBucket::start)).toList();
        if (buckets.isEmpty()) {
            noData(h, "No calls over time in these recordings.");
            return;
        }
        long t0 = buckets.get(0).start().toEpochMilli();
        long t1 = t0;
        long most = 0;
        for (TimelineBucket b : buckets) {
            t1 = Math.max(t1, b.start().toEpochMilli() + bucketMillis(b));
            most = Math.max(most, Math.max(b.calls(), b.errors() + b.timeouts()));
        }

        int width = 1100;
        int height = 260;
        Plot p = new Plot(60, 30, width - 20, height - 46);
        LongToDoubleFunction x = timeScale(p, t0, t1);
        Ticks yTicks = Ticks.counts(most, 5);
        DoubleUnaryOperator y = v -> p.bottom() - v / yTicks.top() * p.height();

        Svg s = new Svg(h, width, height, "Calls, errors and hard timeouts over time");
        countGrid(s, p, yTicks, y);
        timeAxis(s, p, t0, t1, x);
        for (TimelineBucket b : buckets) {
            long start = b.start().toEpochMilli();
            double x0 = x.applyAsDouble(start);
            double x1 = x.applyAsDouble(start + bucketMillis(b));
            double barWidth = x1 - x0 > 3 ? x1 - x0 - 1 : Math.max(1, x1 - x0);
            s.group(CLOCK.format(b.start()) + ", " + b.seconds() + " s: " + count(b.calls())
                    + (b.calls() == 1 ? " call, " : " calls, ") + count(b.errors())
                    + (b.errors() == 1 ? " error, " : " errors, ") + count(b.timeouts())
                    + (b.timeouts() == 1 ? " hard timeout" : " hard timeouts"));
            // Stacked from the bottom, errors and timeouts first: they are what one looks for.
            long others = Math.max(0, b.calls() - b.errors() - b.timeouts());
            double base = p.bottom();
            base = stackSegment(s, x0, barWidth, base, b.errors(), yTicks.top(), p.height(), RED);
            base = stackSegment(s, x0, barWidth, base, b.timeouts(), yTicks.top(), p.height(), ORANGE);
            stackSegment(s, x0, barWidth, base, others, yTicks.top(), p.height(), BLUE);
            s.endGroup();
        }
        s.line(p.left(), p.bottom(), p.right(), p.bottom(), MUTED, 1, null);
        s.verticalText(14, p.top() + p.height() / 2, MUTED, "calls");
        legend(s, p.left(), 14, List.of(Legend.box(BLUE, "calls"), Legend.box(RED, "errors"),
                Legend.box(ORANGE, "hard timeouts")));
        s.end();
    }

    private static long bucketMillis(TimelineBucket b) {
        return Math.max(1, b.seconds()) * 1000;
    }

    /** Draws one segment of a stacked bar and returns the y its next segment starts at. */
    private static double stackSegment(Svg s, double x, double width, double base, long value, double top,
            double plotHeight, String fill) {
        if (value <= 0) {
            return base;
        }
        // At least one pixel: a single error among thousands of calls must still show.
        double height = Math.max(1, value / top * plotHeight);
        s.rect(x, base - height, width, height, fill, null);
        return base - height;
    }

    // --- resources: CPU and heap as lines, alerts as vertical markers

    private static void resourcesChart(Html h, List<ResourceSample> resources, List<Alert> alerts,
            SystemSummary system) {
        List<ResourceSample> samples = resources.stream().filter(r -> r.time() != null)
                .sorted(Comparator.comparing(ResourceSample::time)).toList();
        if (samples.isEmpty()) {
            noData(h, "No resource samples in these recordings.");
            return;
        }
        List<Alert> marks = inTimeOrder(alerts).stream().filter(a -> a.time() != null).toList();

        // The time axis covers the alerts too, so that none is drawn outside the chart.
        long t0 = samples.get(0).time().toEpochMilli();
        long t1 = samples.get(samples.size() - 1).time().toEpochMilli();
        for (Alert a : marks) {
            t0 = Math.min(t0, a.time().toEpochMilli());
            t1 = Math.max(t1, a.time().toEpochMilli());
        }
        if (t1 == t0) { // a single instant: centre it in a minute
            t0 -= 30_000;
            t1 += 30_000;
        }

        // Heap is drawn on the same 0..100 scale as CPU, as a share of its maximum; the right-hand
        // axis labels that scale in bytes.
        long heapMax = system != null && system.heapMax() > 0 ? system.heapMax() : 0;
        for (ResourceSample r : samples) {
            heapMax = Math.max(heapMax, r.heapUsed());
        }
        final long heapScale = heapMax;
        boolean hasHeap = heapScale > 0 && samples.stream().anyMatch(r -> r.heapUsed() >= 0);
        boolean hasSystemCpu = samples.stream().anyMatch(r -> r.systemCpu() >= 0);
        boolean hasProcessCpu = samples.stream().anyMatch(r -> r.processCpu() >= 0);

        int width = 1100;
        int height = 280;
        Plot p = new Plot(60, 30, width - (hasHeap ? 90 : 20), height - 46);
        LongToDoubleFunction x = timeScale(p, t0, t1);
        DoubleUnaryOperator y = pct -> p.bottom() - Math.max(0, Math.min(100, pct)) / 100 * p.height();

        Svg s = new Svg(h, width, height, "System CPU, process CPU and heap over time, with alerts");
        for (int pct = 0; pct <= 100; pct += 25) {
            double ty = y.applyAsDouble(pct);
            s.line(p.left(), ty, p.right(), ty, GRID, 1, null);
            s.text(p.left() - 6, ty + 4, "end", MUTED, pct + "%");
            if (hasHeap) {
                s.text(p.right() + 6, ty + 4, "start", PURPLE, trimZeros(Units.bytes(heapScale * pct / 100)));
            }
        }
        timeAxis(s, p, t0, t1, x);

        List<Legend> legend = new ArrayList<>();
        if (hasSystemCpu) {
            series(s, samples, r -> r.systemCpu() < 0 ? Double.NaN : r.systemCpu() * 100, x, y, BLUE, null);
            legend.add(Legend.line(BLUE, "system CPU"));
        }
        if (hasProcessCpu) {
            series(s, samples, r -> r.processCpu() < 0 ? Double.NaN : r.processCpu() * 100, x, y, TEAL, null);
            legend.add(Legend.line(TEAL, "process CPU"));
        }
        if (hasHeap) {
            series(s, samples, r -> r.heapUsed() < 0 ? Double.NaN : 100.0 * r.heapUsed() / heapScale, x, y,
                    PURPLE, "6 3");
            legend.add(Legend.dashed(PURPLE, "heap used (right axis)"));
        }

        // Alerts last, over the lines, so that they are never hidden.
        boolean hard = false;
        boolean soft = false;
        boolean cleared = false;
        for (Alert a : marks) {
            double ax = x.applyAsDouble(a.time().toEpochMilli());
            String tip = CLOCK.format(a.time()) + " " + a.resource() + " " + a.level()
                    + (a.cleared() ? " cleared: " : " raised: ") + number(a.value()) + " (threshold "
                    + number(a.threshold()) + ")" + (a.subject() == null || a.subject().isEmpty() ? "" : ", " + a.subject());
            if (a.cleared()) {
                s.line(ax, p.top(), ax, p.bottom(), GREY, 1.5, "4 3", tip);
                cleared = true;
            } else if ("HARD".equals(a.level())) {
                s.line(ax, p.top(), ax, p.bottom(), RED, 2, null, tip);
                hard = true;
            } else {
                s.line(ax, p.top(), ax, p.bottom(), ORANGE, 2, null, tip);
                soft = true;
            }
        }
        if (hard) {
            legend.add(Legend.line(RED, "HARD alert"));
        }
        if (soft) {
            legend.add(Legend.line(ORANGE, "SOFT alert"));
        }
        if (cleared) {
            legend.add(Legend.dashed(GREY, "alert cleared"));
        }

        s.line(p.left(), p.bottom(), p.right(), p.bottom(), MUTED, 1, null);
        s.verticalText(14, p.top() + p.height() / 2, MUTED, "CPU load");
        if (hasHeap) {
            s.verticalText(width - 8, p.top() + p.height() / 2, PURPLE,
                    "heap (max " + trimZeros(Units.bytes(heapScale)) + ")");
        }
        legend(s, p.left(), 14, legend);
        s.end();
    }

    /** One line per series, broken where a sample lacks the value rather than bridged over the gap. */
    private static void series(Svg s, List<ResourceSample> samples, ToDoubleFunction<ResourceSample> percent,
            LongToDoubleFunction x, DoubleUnaryOperator y, String color, String dash) {
        List<double[]> run = new ArrayList<>();
        for (ResourceSample r : samples) {
            double v = percent.applyAsDouble(r);
            if (Double.isNaN(v)) {
                s.path(run, color, dash);
                run.clear();
            } else {
                run.add(new double[] {x.applyAsDouble(r.time().toEpochMilli()), y.applyAsDouble(v)});
            }
        }
        s.path(run, color, dash);
    }

    // --- cache hit rate: one horizontal bar per category

    private static void cacheChart(Html h, List<CacheSummary> caches) {
        if (caches.isEmpty()) {
            noData(h, "No cache statistics in these recordings.");
            return;
        }
        int longest = caches.stream().mapToInt(c -> c.category() == null ? 0 : c.category().length()).max().orElse(0);
        int labelChars = Math.min(28, Math.max(8, longest));
        int rowHeight = 24;
        int width = 780;
        // The rows, 4 units of air above and below them, 16 for the top and 36 for the axis below.
        int height = 16 + 8 + rowHeight * caches.size() + 36;
        Plot p = new Plot(16 + labelChars * CHAR_WIDTH, 16, width - 170, height - 36);
        DoubleUnaryOperator x = rate -> p.left() + rate * p.width();

        Svg s = new Svg(h, width, height, "Cache hit rate per category");
        for (int pct = 0; pct <= 100; pct += 25) {
            double tx = x.applyAsDouble(pct / 100.0);
            s.line(tx, p.top(), tx, p.bottom(), GRID, 1, null);
            s.text(tx, p.bottom() + 15, "middle", MUTED, pct + "%");
        }
        double rowY = p.top() + 4;
        for (CacheSummary c : caches) {
            String name = c.category() == null ? "" : c.category();
            String label = name.length() > labelChars ? name.substring(0, labelChars - 1) + "\u2026" : name;
            long lookups = c.hits() + c.misses();
            s.group(name + ": " + count(c.hits()) + " hits, " + count(c.misses()) + " misses");
            s.text(p.left() - 8, rowY + rowHeight / 2.0 + 1, "end", INK, label);
            if (lookups <= 0 || c.hitRate() < 0) {
                s.text(p.left() + 6, rowY + rowHeight / 2.0 + 1, "start", MUTED, "no lookups");
            } else {
                double end = x.applyAsDouble(c.hitRate());
                s.rect(p.left(), rowY + 3, Math.max(1, end - p.left()), rowHeight - 8, BLUE, null);
                s.text(end + 6, rowY + rowHeight / 2.0 + 1, "start", INK,
                        Units.percent(c.hitRate()) + "  (" + count(c.hits()) + " of " + count(lookups) + ")");
            }
            s.endGroup();
            rowY += rowHeight;
        }
        s.line(p.left(), p.top(), p.left(), p.bottom(), MUTED, 1, null);
        s.text(p.left() + p.width() / 2, height - 6, "middle", MUTED, "hit rate (hits over lookups)");
        s.end();
    }

    // --- shared chart parts

    /** Horizontal grid lines and left-hand labels for a count axis. */
    private static void countGrid(Svg s, Plot p, Ticks ticks, DoubleUnaryOperator y) {
        for (double v = 0; v <= ticks.top() + ticks.step() / 2; v += ticks.step()) {
            double ty = y.applyAsDouble(v);
            s.line(p.left(), ty, p.right(), ty, GRID, 1, null);
            s.text(p.left() - 6, ty + 4, "end", MUTED, compactCount(Math.round(v)));
        }
    }

    private static LongToDoubleFunction timeScale(Plot p, long t0, long t1) {
        double span = Math.max(1, t1 - t0);
        return ms -> p.left() + (ms - t0) / span * p.width();
    }

    /** Time ticks at round clock times (UTC), with the date in the axis title when there is one date. */
    private static void timeAxis(Svg s, Plot p, long t0, long t1, LongToDoubleFunction x) {
        long span = Math.max(1, t1 - t0);
        long step = TIME_STEPS[TIME_STEPS.length - 1];
        for (long candidate : TIME_STEPS) {
            if (span / candidate <= 8) {
                step = candidate;
                break;
            }
        }
        LocalDate firstDay = LocalDate.ofInstant(Instant.ofEpochMilli(t0), ZoneOffset.UTC);
        LocalDate lastDay = LocalDate.ofInstant(Instant.ofEpochMilli(t1), ZoneOffset.UTC);
        boolean oneDay = firstDay.equals(lastDay);
        DateTimeFormatter format = step < 1_000 ? CLOCK_MILLIS
                : step < 60_000 ? CLOCK
                : step >= 86_400_000 ? DAY
                : oneDay ? CLOCK_MINUTES : DAY_MINUTES;
        int drawn = 0;
        for (long t = Math.floorDiv(t0 + step - 1, step) * step; t <= t1; t += step) {
            double tx = x.applyAsDouble(t);
            s.line(tx, p.bottom(), tx, p.bottom() + 4, MUTED, 1, null);
            s.text(tx, p.bottom() + 16, "middle", MUTED, format.format(Instant.ofEpochMilli(t)));
            drawn++;
        }
        if (drawn == 0) { // a span shorter than the smallest step: at least say when it starts
            s.text(p.left(), p.bottom() + 16, "start", MUTED, CLOCK_MILLIS.format(Instant.ofEpochMilli(t0)));
        }
        s.text(p.left() + p.width() / 2, p.bottom() + 36, "middle", MUTED,
                oneDay ? "time (UTC) on " + firstDay : "time (UTC)");
    }

    private static void legend(Svg s, double x, double y, List<Legend> items) {
        double at = x;
        for (Legend item : items) {
            if (item.box()) {
                s.rect(at, y - 8, 10, 10, item.color(), null);
            } else {
                s.line(at, y - 3, at + 14, y - 3, item.color(), 2, item.dash());
            }
            at += item.box() ? 14 : 18;
            s.text(at, y + 1, "start", INK, item.label());
            at += item.label().length() * CHAR_WIDTH + 16;
        }
    }

    /** A legend entry: a filled box (bars) or a line sample (lines and markers). */
    private record Legend(boolean box, String color, String dash, String label) {
        static Legend box(String color, String label) {
            return new Legend(true, color, null, label);
        }

        static Legend line(String color, String label) {
            return new Legend(false, color, null, label);
        }

        static Legend dashed(String color, String label) {
            return new Legend(false, color, "4 3", label);
        }
    }

    /** The plot area inside a chart's margins, in SVG user units. */
    private record Plot(double left, double top, double right, double bottom) {
        double width() {
            return right - left;
        }

        double height() {
            return bottom - top;
        }
    }

    /** A count axis: ticks every {@code step} from 0 to {@code top}, a round number at or above the data. */
    private record Ticks(double step, double top) {
        static Ticks counts(long most, int about) {
            if (most <= 0) {
                return new Ticks(1, 1);
            }
            double raw = (double) most / about;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double fraction = raw / magnitude;
            double step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
            step = Math.max(1, step); // counts are whole
            return new Ticks(step, Math.ceil(most / step) * step);
        }
    }

    // ------------------------------------------------------------------ formatting

    /** "2.00 ms" as "2 ms", for axis ticks. */
    private static String trimZeros(String text) {
        return text.replaceFirst("\\.0+ ", " ").replaceFirst("(\\.\\d*?)0+ ", "$1 ");
    }

    private static String load(double fraction) {
        return Units.percent(fraction);
    }

    /** @return a count, or n/a when the recording did not have it */
    private static String knownCount(long value) {
        return value < 0 ? "n/a" : count(value);
    }

    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String compactCount(long value) {
        if (value >= 10_000_000) {
            return value / 1_000_000 + "M";
        }
        if (value >= 10_000) {
            return value / 1_000 + "k";
        }
        return count(value);
    }

    /** An alert's value or threshold: their unit depends on the resource, so they print as they are. */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "n/a";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return count((long) value);
        }
        return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** ISO-8601 in UTC, to the millisecond (the nanoseconds JFR keeps are noise to a reader). */
    static String isoTime(Instant time) {
        return time == null ? "n/a" : DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.MILLIS));
    }

    private static String elapsed(Duration d) {
        long seconds = d.getSeconds();
        if (seconds >= 3600) {
            return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
        }
        if (seconds >= 60) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return Units.duration(d.toNanos());
    }

    private static List<Alert> inTimeOrder(List<Alert> alerts) {
        return alerts.stream()
                .sorted(Comparator.comparing(Alert::time, Comparator.nullsLast(Comparator.naturalOrder())))
                .toList();
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static void noData(Html h, String sentence) {
        h.element("p", sentence, "class", "nodata").nl();
    }

    /**
     * Escapes text for HTML and XML, in element content and in quoted attributes alike. Beyond the
     * five markup characters: everything outside printable ASCII becomes a numeric reference, so the
     * page is right in any charset; characters XML forbids (controls, lone surrogates) and C1
     * controls (which HTML would read as Windows-1252) become U+FFFD.
     */
    static void escape(String text, StringBuilder out) {
        if (text == null) {
            return;
        }
        for (int i = 0; i < text.length();) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\n', '\t' -> out.append((char) c);
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff)
                            || c == 0xfffe || c == 0xffff) {
                        out.append("&#65533;");
                    } else if (c > 0x7e) {
                        out.append("&#").append(c).append(';');
                    } else {
                        out.append((char) c);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ markup builders

    /** Writes markup: elements are opened and closed explicitly, text and attribute values escaped. */
    private static final class Html {
        private final StringBuilder out = new StringBuilder(64 * 1024);

        /** Opens an element; attributes come as name, value pairs, and a {@code null} value leaves one out. */
        Html open(String tag, String... attributes) {
            start(tag, attributes);
            out.append('>');
            return this;
        }

        /** A void element, written self-closed so that the page stays well-formed XML. */
        Html empty(String tag, String... attributes) {
            start(tag, attributes);
            out.append("/>");
            return this;
        }

        Html close(String tag) {
            out.append("</").append(tag).append('>');
            return this;
        }

        Html element(String tag, String text, String... attributes) {
            return open(tag, attributes).text(text).close(tag);
        }

        Html text(String text) {
            escape(text, out);
            return this;
        }

        /** Markup written by this class itself, never text from the report. */
        Html raw(String markup) {
            out.append(markup);
            return this;
        }

        Html nl() {
            out.append('\n');
            return this;
        }

        private void start(String tag, String[] attributes) {
            out.append('<').append(tag);
            for (int i = 0; i + 1 < attributes.length; i += 2) {
                if (attributes[i + 1] != null) {
                    out.append(' ').append(attributes[i]).append("=\"");
                    escape(attributes[i + 1], out);
                    out.append('"');
                }
            }
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }

    /**
     * Draws one inline SVG chart into the page. Colours and fonts are presentation attributes, not
     * page CSS, so that a chart copied out of the page looks the same. Coordinates are rounded to a
     * tenth of a unit: enough for the eye, and it keeps the page small and its text stable.
     */
    private static final class Svg {
        private final Html html;

        Svg(Html html, int width, int height, String title) {
            this.html = html;
            html.open("svg", "xmlns", SVG_NAMESPACE, "width", Integer.toString(width),
                    "height", Integer.toString(height), "viewBox", "0 0 " + width + " " + height,
                    "role", "img", "font-family", "system-ui, Helvetica, Arial, sans-serif", "font-size", "11")
                    .nl();
            // The title is the chart's accessible name and its tooltip.
            html.element("title", title).nl();
        }

        void line(double x1, double y1, double x2, double y2, String stroke, double width, String dash) {
            line(x1, y1, x2, y2, stroke, width, dash, null);
        }

        void line(double x1, double y1, double x2, double y2, String stroke, double width, String dash,
                String tooltip) {
            String[] attributes = {"x1", n(x1), "y1", n(y1), "x2", n(x2), "y2", n(y2), "stroke", stroke,
                "stroke-width", n(width), "stroke-dasharray", dash};
            shape("line", tooltip, attributes);
        }

        void rect(double x, double y, double width, double height, String fill, String tooltip) {
            shape("rect", tooltip, "x", n(x), "y", n(y), "width", n(width), "height", n(height), "fill", fill);
        }

        void text(double x, double y, String anchor, String fill, String text) {
            html.element("text", text, "x", n(x), "y", n(y), "text-anchor", anchor, "fill", fill).nl();
        }

        /** Text turned a quarter left, centred on (x, y): a vertical axis title. */
        void verticalText(double x, double y, String fill, String text) {
            html.element("text", text, "x", n(x), "y", n(y), "text-anchor", "middle", "fill", fill,
                    "transform", "rotate(-90 " + n(x) + " " + n(y) + ")").nl();
        }

        /** A line through the points, or a dot when there is only one. */
        void path(List<double[]> points, String stroke, String dash) {
            if (points.size() == 1) {
                double[] point = points.get(0);
                shape("circle", null, "cx", n(point[0]), "cy", n(point[1]), "r", "2.5", "fill", stroke);
            } else if (points.size() > 1) {
                StringBuilder coordinates = new StringBuilder();
                for (double[] point : points) {
                    if (coordinates.length() > 0) {
                        coordinates.append(' ');
                    }
                    coordinates.append(n(point[0])).append(',').append(n(point[1]));
                }
                shape("polyline", null, "points", coordinates.toString(), "fill", "none", "stroke", stroke,
                        "stroke-width", "1.8", "stroke-linejoin", "round", "stroke-dasharray", dash);
            }
        }

        /** Starts a group whose tooltip covers all its shapes (an SVG title needs no script). */
        void group(String tooltip) {
            html.open("g").element("title", tooltip);
        }

        void endGroup() {
            html.close("g").nl();
        }

        void end() {
            html.close("svg").nl();
        }

        private void shape(String tag, String tooltip, String... attributes) {
            if (tooltip == null) {
                html.empty(tag, attributes).nl();
            } else {
                html.open(tag, attributes).element("title", tooltip).close(tag).nl();
            }
        }

        private static String n(double value) {
            String text = String.format(Locale.ROOT, "%.1f", value);
            return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
        }
    }

    /** A table column: its heading and whether it holds numbers (right-aligned). */
    private record Col(String title, boolean numeric) {
        static Col text(String title) {
            return new Col(title, false);
        }

        static Col num(String title) {
            return new Col(title, true);
        }
    }

    /** A table cell: its text, and whether it is a value to look at (errors, hard alerts). */
    private record Cell(String text, boolean flagged) {
        static Cell of(String text) {
            return new Cell(text, false);
        }

        static Cell flagged(String text, boolean flagged) {
            return new Cell(text, flagged);
        }
    }

    /** Writes a table's heading, rows and end; wide tables scroll sideways on a narrow screen. */
    private static final class Table {
        private final Col[] columns;

        Table(Col... columns) {
            this.columns = columns;
        }

        int columns() {
            return columns.length;
        }

        void start(Html h) {
            h.open("div", "class", "scroll").open("table").nl().open("thead").open("tr");
            for (Col column : columns) {
                h.element("th", column.title(), "class", column.numeric() ? "num" : null, "scope", "col");
            }
            h.close("tr").close("thead").nl().open("tbody").nl();
        }

        void row(Html h, Cell... cells) {
            h.open("tr");
            for (int i = 0; i < columns.length; i++) {
                Cell cell = i < cells.length ? cells[i] : Cell.of("");
                String css = (columns[i].numeric() ? "num" : "") + (cell.flagged() ? " bad" : "");
                h.element("td", cell.text() == null ? "" : cell.text(), "class", css.isBlank() ? null : css.trim());
            }
            h.close("tr").nl();
        }

        void end(Html h) {
            h.close("tbody").nl().close("table").close("div").nl();
        }
    }
}
