package dev.toolwarden.report;

import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The report as JSON, for scripts. The shape is stable (documented in README.md, version in
 * {@code "format"}): fields are only ever added. Durations are nanoseconds, sizes bytes, rates
 * fractions from 0 to 1, times ISO-8601; a value the recordings did not have is {@code null}.
 */
public final class JsonReport {

    /** The version of the JSON shape. */
    static final int FORMAT = 1;

    private JsonReport() {
    }

    /**
     * @param report what the recordings hold
     * @return the JSON document, ending with a newline
     */
    public static String render(Report report) {
        Json j = new Json();
        j.open('{');
        j.field("format", FORMAT);
        j.key("sources").array(report.sources(), (w, s) -> w.value(s));
        j.field("start", report.start());
        j.field("end", report.end());
        j.field("events", report.events());
        j.field("toolwardenEvents", report.toolwardenEvents());
        j.key("tools").array(report.tools(), (w, t) -> {
            w.open('{');
            w.field("name", t.name());
            w.field("kind", t.kind());
            w.field("calls", t.calls());
            w.field("errors", t.errors());
            w.field("softTimeouts", t.softTimeouts());
            w.field("hardTimeouts", t.hardTimeouts());
            w.field("rejected", t.rejected());
            w.field("fallbacks", t.fallbacks());
            w.field("cacheHits", t.cacheHits());
            w.field("cacheHitRate", t.calls() == 0 ? null : t.cacheHitRate());
            w.key("durationNanos").open('{');
            w.field("p50", known(t.p50()));
            w.field("p95", known(t.p95()));
            w.field("p99", known(t.p99()));
            w.field("max", known(t.max()));
            w.field("mean", known(t.mean()));
            w.close('}');
            w.key("cpuNanos").open('{');
            w.field("total", t.cpuTotal());
            w.field("mean", known(t.meanCpu()));
            w.field("measuredCalls", t.cpuMeasured());
            w.close('}');
            w.key("allocatedBytes").open('{');
            w.field("total", t.allocatedTotal());
            w.field("mean", known(t.meanAllocated()));
            w.field("measuredCalls", t.allocatedMeasured());
            w.close('}');
            w.key("latency").array(t.latency(), (x, b) -> {
                x.open('{');
                x.field("fromNanos", b.from());
                x.field("toNanos", b.to());
                x.field("calls", b.count());
                x.close('}');
            });
            w.close('}');
        });
        j.key("caches").array(report.caches(), (w, c) -> {
            w.open('{');
            w.field("category", c.category());
            w.field("size", known(c.size()));
            w.field("hits", known(c.hits()));
            w.field("misses", known(c.misses()));
            w.field("hitRate", known(c.hitRate()));
            w.field("evictions", known(c.evictions()));
            w.close('}');
        });
        j.key("alerts").array(report.alerts(), (w, a) -> {
            w.open('{');
            w.field("time", a.time());
            w.field("resource", a.resource());
            w.field("level", a.level());
            w.field("value", a.value());
            w.field("threshold", a.threshold());
            w.field("subject", a.subject());
            w.field("cleared", a.cleared());
            w.close('}');
        });
        j.key("slowest").array(report.slowest(), (w, c) -> {
            w.open('{');
            w.field("time", c.time());
            w.field("name", c.name());
            w.field("durationNanos", c.duration());
            w.field("outcome", c.outcome());
            w.field("conversationId", c.conversationId());
            w.field("thread", c.thread());
            w.field("softLimitStack", c.stack());
            w.close('}');
        });
        j.key("pools").array(report.pools(), (w, p) -> {
            w.open('{');
            w.field("pool", p.pool());
            w.field("max", p.max());
            w.field("peakActive", p.peakActive());
            w.field("peakUtilisation", p.peakUtilisation());
            w.field("peakWaiting", p.peakWaiting());
            w.field("samples", p.samples());
            w.close('}');
        });
        Report.SystemSummary s = report.system();
        if (s == null) {
            j.key("system").nul();
        } else {
            j.key("system").open('{');
            j.field("peakSystemCpu", known(s.peakSystemCpu()));
            j.field("peakProcessCpu", known(s.peakProcessCpu()));
            j.field("peakMemoryUsedBytes", known(s.peakMemoryUsed()));
            j.field("memoryTotalBytes", known(s.memoryTotal()));
            j.field("peakHeapUsedBytes", known(s.peakHeapUsed()));
            j.field("heapMaxBytes", known(s.heapMax()));
            j.field("samples", s.samples());
            j.close('}');
        }
        j.key("timeline").array(report.timeline(), (w, b) -> {
            w.open('{');
            w.field("start", b.start());
            w.field("seconds", b.seconds());
            w.field("calls", b.calls());
            w.field("errors", b.errors());
            w.field("timeouts", b.timeouts());
            w.close('}');
        });
        j.close('}');
        return j.toString() + "\n";
    }

    private static Long known(long v) {
        return v < 0 ? null : v;
    }

    private static Double known(double v) {
        return v < 0 ? null : v;
    }

    /** A small streaming JSON writer: commas and escaping in one place. */
    private static final class Json {
        private final StringBuilder out = new StringBuilder();
        private boolean first = true;

        Json open(char bracket) {
            comma();
            out.append(bracket);
            first = true;
            return this;
        }

        void close(char bracket) {
            out.append(bracket);
            first = false;
        }

        Json key(String name) {
            comma();
            string(name);
            out.append(':');
            first = true;
            return this;
        }

        void field(String name, Object value) {
            key(name).value(value);
        }

        void nul() {
            value(null);
        }

        void value(Object v) {
            comma();
            if (v == null) {
                out.append("null");
            } else if (v instanceof String || v instanceof Instant) {
                string(v.toString());
            } else if (v instanceof Double || v instanceof Float) {
                double d = ((Number) v).doubleValue();
                out.append(Double.isFinite(d) ? String.valueOf(d) : "null");
            } else {
                out.append(v);
            }
            first = false;
        }

        <T> void array(List<T> items, BiConsumer<Json, T> each) {
            comma();
            out.append('[');
            first = true;
            for (T item : items) {
                each.accept(this, item);
            }
            out.append(']');
            first = false;
        }

        private void comma() {
            if (!first) {
                out.append(',');
            }
            first = true;
        }

        private void string(String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"':
                        out.append("\\\"");
                        break;
                    case '\\':
                        out.append("\\\\");
                        break;
                    case '\n':
                        out.append("\\n");
                        break;
                    case '\r':
                        out.append("\\r");
                        break;
                    case '\t':
                        out.append("\\t");
                        break;
                    default:
                        if (c < 0x20 || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c)
                                && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                                        && Character.isLowSurrogate(s.charAt(i + 1))
                                        || Character.isLowSurrogate(c) && i > 0
                                        && Character.isHighSurrogate(s.charAt(i - 1)))) {
                            // Control characters; the two line separators JavaScript does not allow raw;
                            // a surrogate without its pair, which no UTF-8 writer can encode.
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                }
            }
            out.append('"');
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
