package dev.toolwarden.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The report as aligned plain text, for a terminal. */
public final class TextReport {

    private TextReport() {
    }

    /**
     * @param report what the recordings hold
     * @return the text, ending with a newline
     */
    public static String render(Report report) {
        StringBuilder out = new StringBuilder();
        out.append("Toolwarden report\n");
        out.append("Recordings: ").append(String.join(", ", report.sources())).append('\n');
        if (!report.hasToolwardenEvents()) {
            out.append("No Toolwarden events in these recordings (").append(report.events())
                    .append(" events of other kinds). Was the agent attached? Record with\n")
                    .append("  java -javaagent:toolwarden-agent.jar=jfr.record=app.jfr ...\n");
            return out.toString();
        }
        out.append("Span: ").append(ms(report.start())).append(" .. ").append(ms(report.end())).append(" (")
                .append(Units.duration(Duration.between(report.start(), report.end()).toNanos())).append("); ")
                .append(report.events()).append(" events, ").append(report.toolwardenEvents())
                .append(" from Toolwarden\n");

        section(out, "Tools and chat handlers");
        Table tools = new Table("name", "kind", "calls", "errors", "soft", "hard", "rejected", "fallback", "cache",
                "p50", "p95", "p99", "max", "cpu/call", "alloc/call");
        for (Report.ToolSummary t : report.tools()) {
            tools.row(t.name(), t.kind(), t.calls(), t.errors(), t.softTimeouts(), t.hardTimeouts(), t.rejected(),
                    t.fallbacks(), Units.percent(t.cacheHitRate()), Units.duration(t.p50()), Units.duration(t.p95()),
                    Units.duration(t.p99()), Units.duration(t.max()), Units.duration(t.meanCpu()),
                    Units.bytes(t.meanAllocated()));
        }
        tools.appendTo(out, "No tool calls in these recordings.");

        section(out, "Caches");
        Table caches = new Table("category", "size", "hits", "misses", "hit rate", "evictions");
        report.caches().forEach(c -> caches.row(c.category(), known(c.size()), known(c.hits()), known(c.misses()),
                c.hits() < 0 || c.misses() < 0 || c.hits() + c.misses() == 0 ? "n/a" : Units.percent(c.hitRate()),
                known(c.evictions())));
        caches.appendTo(out, "No cache statistics in these recordings.");

        section(out, "Alerts");
        Table alerts = new Table("time", "resource", "level", "value", "threshold", "subject", "state");
        report.alerts().forEach(a -> alerts.row(ms(a.time()), a.resource(), a.level(), number(a.value()),
                number(a.threshold()), a.subject() == null ? "" : a.subject(), a.cleared() ? "cleared" : "raised"));
        alerts.appendTo(out, "No alerts.");

        section(out, "Slowest calls");
        Table slow = new Table("duration", "name", "outcome", "started", "thread", "conversation");
        List<Report.SlowCall> withStacks = new ArrayList<>();
        for (Report.SlowCall c : report.slowest()) {
            slow.row(Units.duration(c.duration()), c.name(), c.outcome(), ms(c.time()), c.thread(),
                    c.conversationId() == null ? "" : c.conversationId());
            if (c.stack() != null) {
                withStacks.add(c);
            }
        }
        slow.appendTo(out, "No calls.");
        for (Report.SlowCall c : withStacks) {
            out.append("\n  ").append(clean(c.name())).append(" (started ").append(ms(c.time()))
                    .append(") at its soft limit:\n");
            c.stack().lines().forEach(l -> out.append("    ").append(clean(l)).append('\n'));
        }

        section(out, "Connection pools");
        Table pools = new Table("pool", "max", "peak active", "peak use", "peak waiting", "samples");
        report.pools().forEach(p -> pools.row(p.pool(), p.max(), p.peakActive(), Units.percent(p.peakUtilisation()),
                p.peakWaiting(), p.samples()));
        pools.appendTo(out, "No connection pool samples in these recordings.");

        section(out, "System");
        Report.SystemSummary s = report.system();
        if (s == null) {
            out.append("No system samples in these recordings.\n");
        } else {
            out.append("peak system CPU ").append(Units.percent(s.peakSystemCpu())).append(", peak process CPU ")
                    .append(Units.percent(s.peakProcessCpu())).append(", peak memory ")
                    .append(Units.bytes(s.peakMemoryUsed())).append(" of ").append(Units.bytes(s.memoryTotal()))
                    .append(", peak heap ").append(Units.bytes(s.peakHeapUsed())).append(" of ")
                    .append(Units.bytes(s.heapMax())).append(" (").append(s.samples()).append(" samples)\n");
        }
        return out.toString();
    }

    /** Times to the millisecond: enough to line events up, short enough to read. */
    private static java.time.Instant ms(java.time.Instant t) {
        return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private static void section(StringBuilder out, String title) {
        out.append('\n').append(title).append('\n');
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(java.util.Locale.ROOT,
                "%.2f", v);
    }

    /** Columns sized to their widest cell; text left-aligned, numbers right-aligned. */
    /** @return a count, or n/a when the recording did not have it */
    private static Object known(long count) {
        return count < 0 ? "n/a" : count;
    }

    /**
     * A string from the recording, made safe for a terminal and a table: control characters (line
     * breaks, tabs, escape sequences) and surrogates without their pair become U+FFFD.
     */
    static String clean(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c < 0x20 || c >= 0x7f && c <= 0x9f
                    || Character.isHighSurrogate(c) && (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
            if (bad && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(bad ? '\ufffd' : c);
            }
        }
        return out == null ? s : out.toString();
    }

    private static final class Table {
        private final String[] header;
        private final List<Object[]> rows = new ArrayList<>();

        Table(String... header) {
            this.header = header;
        }

        void row(Object... cells) {
            for (int i = 0; i < cells.length; i++) {
                if (!(cells[i] instanceof Number)) {
                    cells[i] = clean(String.valueOf(cells[i]));
                }
            }
            rows.add(cells);
        }

        void appendTo(StringBuilder out, String whenEmpty) {
            if (rows.isEmpty()) {
                out.append(whenEmpty).append('\n');
                return;
            }
            int[] width = new int[header.length];
            boolean[] numeric = new boolean[header.length];
            for (int i = 0; i < header.length; i++) {
                width[i] = header[i].length();
                numeric[i] = i > 0;
            }
            for (Object[] r : rows) {
                for (int i = 0; i < r.length; i++) {
                    width[i] = Math.max(width[i], String.valueOf(r[i]).length());
                    numeric[i] &= r[i] instanceof Number || String.valueOf(r[i]).matches("[-\\d.,]+ ?[a-zA-Z\u00b5%/]*|n/a");
                }
            }
            line(out, header, width, numeric);
            for (Object[] r : rows) {
                line(out, r, width, numeric);
            }
        }

        private static void line(StringBuilder out, Object[] cells, int[] width, boolean[] numeric) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                String c = String.valueOf(cells[i]);
                String pad = " ".repeat(width[i] - c.length());
                if (i > 0) {
                    l.append("  ");
                }
                l.append(numeric[i] ? pad + c : c + pad);
            }
            out.append(l.toString().stripTrailing()).append('\n');
        }
    }
}
